# Surveys: answering
survey-answer-title = Survey
survey-minutes = Takes about { $minutes } minutes
survey-anonymous-note = Your answers are anonymous. We do not store who answered.
survey-page-of = Page { $current } of { $total }
survey-required = required
survey-optional = optional
survey-other = Something else
survey-other-specify = What exactly?
survey-yes = Yes
survey-no = No
survey-dont-know = Don't know
survey-no-personal-data = Please do not write names, addresses or phone numbers.
survey-next = Next
survey-back = Back
survey-submit = Send answers
survey-code-label = Your access code
survey-code-hint = The code is in your letter, for example ABCD-EFGH-JK.
survey-condition-note = Only answer if you chose “{ $option }” for “{ $question }”.
survey-hint-choices-any = You can choose several answers.
survey-hint-choices-min = Choose at least { $min } answers.
survey-hint-choices-max = Choose at most { $max } answers.
survey-hint-choices-between = Choose { $min } to { $max } answers.
survey-hint-number = Please enter a whole number.
survey-hint-number-min = Please enter a whole number from { $min }.
survey-hint-number-max = Please enter a whole number up to { $max }.
survey-hint-number-between = Please enter a whole number from { $min } to { $max }.

survey-error-required = Please answer this question.
survey-error-one-only = Please choose only one answer.
survey-error-option-unknown = This answer does not exist. Please choose an answer from the list.
survey-error-other-missing = You chose “Something else”. Please write what exactly.
survey-error-choices-few = You chose too few answers. Please choose at least { $min }.
survey-error-choices-many = You chose too many answers. Please choose at most { $max }.
survey-error-number-invalid = Please enter a whole number, for example 3.
survey-error-number-between = This number is too small or too large. Please enter a whole number from { $min } to { $max }.
survey-error-number-min = This number is too small. Please enter a whole number of { $min } or more.
survey-error-number-max = This number is too large. Please enter a whole number up to { $max }.
survey-error-text-long = Your text is too long. Please shorten it.
survey-error-code-missing = Please enter your access code.
survey-error-code-invalid = This code does not exist or has been used already.

survey-closed-title = This survey has ended
survey-closed-text = You can no longer answer here. Thank you for your interest.
survey-login-needed-title = Please sign in
survey-login-needed-text = You need an account for this survey. Your answers still stay anonymous.
survey-login-link = Sign in
survey-already-title = You have answered already
survey-already-text = Each person can answer once. Thank you for taking part.
survey-results-pending-title = The results are not published yet
survey-results-pending-text = As soon as the evaluation is done, you will find the results here.
survey-back-to-round = Back to the participation round

survey-thanks-title = Thank you!
survey-thanks-text = Your answers to “{ $survey }” have arrived.
survey-thanks-results = See the results
survey-thanks-results-later = The results will appear here later
survey-thanks-round = Back to “{ $round }”

# Results
survey-results-title = Results
survey-results-heading = Results: { $survey }
survey-results-preview = Visible to staff only: the results are not published yet.
survey-results-responses = Responses in total: { $count }
survey-results-suppression = To protect participants, numbers below { $min } are not shown exactly.
survey-fewer-than = fewer than { $n }
survey-percent = { $value }%
survey-decimal-separator = .
survey-respondents = { $count ->
    [one] 1 person answered this question.
   *[other] { $count } people answered this question.
}
survey-question-suppressed = Too few answers ({ $fewer }). The result is not shown to protect participants.
survey-average = Average
survey-average-hidden = The average is not shown because some levels have too few answers.
survey-chart = Bar
survey-texts-heading = Released answers
survey-texts-none = No answers released yet.
survey-texts-withheld = Free answers to “something else” are only shown once enough people gave them, to protect participants.
survey-breakdown-heading = Break down by group
survey-breakdown-intro = See how different groups answered:
survey-breakdown-by = Broken down by: { $question }
survey-breakdown-suppressed = This breakdown is not possible: at least one group has fewer than { $min } responses.
survey-goal-results-heading = Results from surveys
survey-goal-all-results = All results of this survey
survey-goal-responses-count = { $count ->
    [one] 1 survey response
   *[other] { $count } survey responses
}

# Staff
survey-manage-title = Surveys
survey-manage-empty = There are no surveys yet.
survey-new-heading = New survey
survey-new-no-rounds = Create a participation round first. Surveys always belong to a round.
survey-round = Participation round
survey-round-link = Surveys of this round
survey-status = Status
survey-status-draft = Draft
survey-status-open = Open
survey-status-closed = Ended
survey-results-are-published = results published
survey-create-button = Create survey
survey-save-button = Save
survey-edit-title = Edit survey
survey-settings-heading = Settings
survey-lifecycle-heading = Status
survey-response-count = { $count ->
    [one] 1 response
   *[other] { $count } responses
}
survey-open-button = Open survey
survey-close-button = End survey
survey-publish-button = Publish results
survey-unpublish-button = Withdraw results
survey-link-public = Public page
survey-link-results = Results (live)
survey-link-print = Print version
survey-link-paper = Enter a paper questionnaire
survey-link-codes = Access codes
survey-link-export-aggregates = Evaluation as CSV (small groups protected)
survey-link-export-responses = All responses as CSV (anonymous)
survey-questions-heading = Questions
survey-questions-empty = This survey has no questions yet.
survey-locked-note = There are responses already. You can only change the wording, not the kind, the answers or the order.
survey-demographic = for breakdowns
survey-move-up = Move up
survey-move-down = Move down
survey-delete = Remove
survey-add-question-heading = Add a question
survey-add-question-button = Add question
survey-question-edit-title = Edit question
survey-access-none = No sign-in, no code
survey-access-account = Account required
survey-access-code = Access code required
survey-kind-single = Choose one answer
survey-kind-multiple = Choose several answers
survey-kind-scale = Rating scale
survey-kind-yesno = Yes / No / Don't know
survey-kind-number = Number
survey-kind-short_text = Short text
survey-kind-long_text = Long text
survey-condition-none = Always show
survey-channel-online = online
survey-channel-paper = paper

survey-field-title = Title
survey-field-intro = Introduction
survey-field-intro-hint = In plain language: what is it about, what happens with the answers?
survey-field-minutes = Duration in minutes
survey-field-access = Who may answer?
survey-field-min-group-size = Smallest group for results
survey-field-kind = Kind of question
survey-field-prompt = Question
survey-field-help = Help text
survey-field-help-hint = Optional: a short explanation under the question.
survey-field-required = Required
survey-field-demographic = About the person (only to break results down, e.g. age, household, district)
survey-field-choice-legend = Choice questions only
survey-field-options = Answers
survey-field-options-hint = One answer per line.
survey-field-allow-other = Offer “Something else” with a text field
survey-field-min-choices = At least this many answers (optional)
survey-field-max-choices = At most this many answers (optional)
survey-field-scale-legend = Scales only
survey-field-scale-min = Lowest value (0 or 1)
survey-field-scale-max = Highest value (up to 10)
survey-field-scale-min-label = Label of the lowest value
survey-field-scale-max-label = Label of the highest value
survey-field-number-legend = Numbers only
survey-field-number-min = Smallest number allowed (optional)
survey-field-number-max = Largest number allowed (optional)
survey-field-condition = Only show if this answer was chosen before
survey-field-goals = This question informs the goals
survey-field-goals-none = The round is not linked to any goal.

survey-error-title-missing = Please enter a title.
survey-error-title-long = The title is too long (at most 200 characters).
survey-error-intro-long = The introduction is too long.
survey-error-minutes = Please enter the duration as a number from 1 to 120.
survey-error-access = Please choose who may answer.
survey-error-min-group-size = The smallest group must be at least your municipality's value (never below 3).
survey-error-round = Please choose a participation round of your municipality.
survey-error-kind = Please choose the kind of question.
survey-error-prompt-missing = Please enter the question.
survey-error-prompt-long = The question is too long (at most 500 characters).
survey-error-help-long = The help text is too long.
survey-error-options-few = Please enter at least two answers, one per line.
survey-error-options-many = Too many or too long answers (at most 30, 300 characters each).
survey-error-whole-number = Please enter a whole number.
survey-error-choices-range = This number does not fit the answers.
survey-error-scale-range = The scale must start at 0 or 1 and may go up to 10.
survey-error-scale-label-long = The label is too long.
survey-error-number-bounds = The largest number must be larger than the smallest.
survey-error-demographic-kind = Questions about the person must be choose-one questions.
survey-error-condition = This condition does not work. Choose an answer of an earlier choice question.
survey-error-goals = Please choose goals of this round only.
survey-error-codes-count = Please enter a number from 1 to 2000.
survey-error-release-text = The released text must not be empty or too long.

survey-refused-has-answers = There are responses already. Only the wording may change; anything else would corrupt the results.
survey-refused-no-questions = A survey without questions cannot be opened.
survey-refused-state = This is not possible in the survey's current state.
survey-refused-condition-order = A conditional question must come after the question it depends on.
survey-refused-depended = Another question depends on this one. Change its condition first.

survey-created = The survey has been created. Now add questions.
survey-saved = Saved.
survey-opened = The survey is open.
survey-closed-done = The survey has ended.
survey-results-published = The results are published.
survey-results-unpublished = The results are no longer public.
survey-question-added = The question has been added.
survey-question-saved = The question has been saved.
survey-question-deleted = The question has been removed.
survey-paper-saved = The paper questionnaire has been saved. You can enter the next one.

survey-codes-title = Access codes
survey-codes-counts = Codes so far: { $all }, used: { $used }.
survey-codes-count = How many new codes?
survey-codes-count-hint = Each code allows one response. The codes are shown only once.
survey-codes-button = Create codes
survey-codes-new-heading = New codes
survey-codes-once = Print or save this list now. We store the codes only as hashes and cannot show them again.
survey-codes-letter = Survey online: { $url }

survey-paper-title = Enter a paper questionnaire
survey-paper-intro = Copy the answers of a filled-in paper questionnaire. The response is stored as “paper”, without your name.
survey-paper-button = Save paper questionnaire
survey-print-title = Print version
survey-print-note = This page is meant for printing. Use your browser's print function.

survey-free-text-title = Release free texts
survey-free-text-intro = Free texts from surveys appear only after you release them. Remove names, addresses and other personal details first.
survey-free-text-edit = Text (you can shorten it before releasing)
survey-free-text-release = Release
survey-free-text-reject = Do not publish
survey-free-text-empty = No free texts are waiting.
survey-free-text-released = The text has been released.
survey-free-text-rejected = The text will not be published.
survey-pii-warning = Careful, may contain:
survey-pii-email = e-mail address
survey-pii-phone = phone number
survey-pii-iban = IBAN

survey-export-question = Question
survey-export-answer = Answer
survey-export-count = Count
survey-export-percent = Share in %
survey-export-respondents = People who answered
survey-export-number = No.
survey-export-channel = Channel
survey-table-of = Table: { $question }
survey-breakdown-table-of = Breakdown: { $question }
survey-manage-all = Show all surveys
survey-field-min-group-size-floor = Numbers below this are not shown. At least { $floor }: your municipality's value, never below 3.
survey-field-min-group-size-default = Numbers below this are not shown. At least your municipality's value, never below 3. Left empty, your municipality's value applies.
survey-paper-blanks = Blank fields stay blank: on paper no question is required. Enter only what is on the sheet.
survey-paper-empty = Nothing is entered for this sheet. Enter at least one answer.
survey-export-file-aggregates = results
survey-export-file-responses = responses
survey-free-text-marked-first = Texts in which the check suspects personal data come first.
survey-free-text-filter = Survey
survey-free-text-filter-all = All surveys
survey-free-text-filter-button = Show

# Print version: handing in, pages, crosses
survey-return-heading = Handing in the paper forms
survey-return-place = Where is the form handed in?
survey-return-place-hint = For example: citizens' office in the town hall, Marktplatz 1, or the letterbox at the entrance. Leave it empty to print the contact person and their address.
survey-return-by = By when?
survey-return-by-hint = Leave it empty for the last day of the participation.
survey-return-save = Save
survey-return-saved = Saved. The form now shows these details.
survey-error-return-place-long = Please write at most 500 characters.
survey-error-return-by = Please enter a date, for example 31.12.2026.
survey-print-page = Page { $number } of { $total }
survey-print-online-lead = You can also answer online. Scan the code with your phone or type this address:
survey-print-online-code = You need the access code from your letter for that.
survey-print-online-account = You need an account for that.
survey-print-return = Please hand in the completed form by { $date }:
survey-print-return-phone = Questions? Call { $phone }
survey-print-anonymous = Your answers are anonymous. Please do not write your name on the form.
survey-print-how = How it works: put a cross in the box in front of your answer. Where there is no box, write your answer on the line.
survey-print-one-cross = Only one cross, please.
survey-print-crosses = Several crosses possible.
survey-print-crosses-min = Several crosses possible, at least { $min }.
survey-print-crosses-max = Several crosses possible, at most { $max }.
survey-print-crosses-between = Several crosses possible: { $min } to { $max }.
survey-print-number = Please write a whole number.
survey-print-number-min = Please write a whole number of { $min } or more.
survey-print-number-max = Please write a whole number up to { $max }.
survey-print-number-between = Please write a whole number from { $min } to { $max }.
survey-print-write = Please write on the line.
survey-print-thanks = Thank you for your answers!

# issue 18: a link of the error summary names the question it leads to
survey-error-summary-item = “{ $question }”: { $message }
