# Home page: filters
home-filter-heading = Filter participation rounds
home-filter-municipality = Municipality
home-filter-all-municipalities = All municipalities
home-filter-group = For whom
home-filter-all-groups = All target groups
home-filter-button = Show
home-filter-reset = Reset filters
home-empty-filtered = There is no participation round for this choice. Reset the filters to see them all.
home-subscribe-link = Get an e-mail when a new participation round starts

# Status of a round
round-status-draft = Draft
round-status-scheduled = Draft, starts automatically
round-status-open = Running – take part
round-status-closed = Ended
round-status-evaluated = Results available
round-period = { $start } to { $end }
round-target-groups = For

# Public page of a round
round-preview-note = Preview: this is how residents will see this page once it is published.
round-preview-back = Back to editing
round-evaluation-heading = What became of your input
round-about-heading = What it is about
round-take-part-heading = How to take part
round-online-heading = Online
round-modules-empty-open = The online ways to take part (surveys, ideas, workshops) are coming soon. You can already contact the person below.
round-modules-empty = There are no online offers for this round.
round-offline-heading = In person or by phone
round-offline-text = No internet, or you would rather talk? Get in touch here:
round-contact-name = Contact
round-contact-phone = Phone
round-contact-email = E-mail
round-contact-address = Address and hours
round-goals-heading = What your participation feeds into
round-goals-intro = Your answers and ideas feed into these goals of the strategy against poverty:
round-strategy-link = See the whole strategy of { $municipality }
round-subscribe-link = Get an e-mail when { $municipality } starts a new participation round

# Subscribing
subscribe-title = Hear about new participation rounds
subscribe-intro = We send you a short e-mail when your municipality starts a new participation round. You do not need an account.
subscribe-municipality = Your municipality
subscribe-municipality-choose = Please choose
subscribe-email = Your e-mail address
subscribe-email-hint = First you get an e-mail with a link. We only write to you once you have clicked it.
subscribe-privacy = We store only your e-mail address and your language, only for these messages. Every e-mail has a link to unsubscribe; then we delete the address from the list at once. E-mails already sent are deleted after 30 days.
subscribe-button = Get notified
subscribe-sent-title = Please check your inbox
subscribe-sent-text = We have sent you an e-mail. Please click the link in it to confirm. No e-mail? Please also look in your spam folder.
subscription-confirm-title = Confirm your subscription
subscription-confirm-text = Do you want an e-mail when { $municipality } starts a new participation round?
subscription-confirm-button = Yes, confirm
subscription-confirmed-title = Subscription confirmed
subscription-confirmed-text = Thank you! We will write to you as soon as a new participation round starts. Every e-mail has a link to unsubscribe.
unsubscribe-title = Unsubscribe
unsubscribe-text = Do you want to stop getting e-mails about new participation rounds in { $municipality }?
unsubscribe-button = Yes, unsubscribe
unsubscribed-title = You are unsubscribed
unsubscribed-text = You will get no more e-mails about new participation rounds. We have deleted your e-mail address from the list.
subscription-link-invalid-title = This link is no longer valid
subscription-link-invalid-text = The link has expired or is incomplete. You can simply subscribe again.

# Staff: rounds
manage-rounds-title = Participation rounds
manage-rounds-filter = Filter by status
manage-rounds-all = All
manage-rounds-status = Status
manage-rounds-period = Period
manage-rounds-goals = Goals
manage-rounds-empty = There is no participation round here yet.
manage-rounds-back = Back to all participation rounds
round-new-title = New participation round
round-edit-title = Edit participation round
round-choose-municipality = Which municipality is the participation round for?
round-no-municipality = You do not coordinate any municipality.
round-preview = Preview
round-public-page = Public page
round-lifecycle-heading = Publishing
round-lifecycle-status = Status
round-publish-button = Publish now
round-schedule-button = Release – starts automatically
round-publish-later-hint = The period only begins on { $date }. Once released, the round starts by itself on that day.
round-scheduled-hint = The round starts by itself on { $date }.
round-unschedule-button = Take back the release
round-close-button = End now
round-reopen-button = Open again
round-evaluate-button = Publish the results
round-form-about = What it is about
round-form-period = Period
round-form-contact = Contact
round-form-contact-hint = Many people have no e-mail. Please give a phone number if you can.
round-save-button = Save
round-no-goals = Your municipality's strategy has no goals yet.
round-no-goals-link = Add goals
goal-archived-marker = archived
field-round-title = Title
field-round-slug-hint = Appears in the address: /rounds/… Leave it empty to have it made from the title.
field-round-slug-locked = cannot be changed after publishing
field-round-summary = Short summary in plain language
field-round-summary-hint = Two or three short sentences: what is it about, who should take part? At most 600 characters.
field-round-description = Full description
field-round-description-hint = Markdown works: **bold**, lists with "-", links as [text](https://…).
field-round-target-groups = Target groups
field-round-target-groups-hint = Separate with commas, for example: single parents, older people
field-round-starts-on = First day
field-round-ends-on = Last day
field-date-hint = For example 01.12.2026
field-round-contact-name = Name or office
field-round-contact-phone = Phone
field-round-contact-email = E-mail
field-round-contact-address = Address and office hours
field-round-contact-address-hint = Where can people come in person? For example: town hall, room 12, Mon–Thu 9–12
field-round-goals = Which goals does the round serve?
field-round-evaluation = What became of the participation
field-round-evaluation-hint = Visible to everyone. Write in plain language what you did with the contributions. Markdown works.

# Staff: messages
round-created = The participation round is saved as a draft.
round-saved = Your changes are saved.
round-opened = The participation round is published. Subscribers get an e-mail.
round-scheduled = The round is released and starts by itself on its first day.
round-unscheduled = The release is taken back. The round stays a draft.
round-closed = The participation round has ended.
round-reopened = The participation round is open again.
round-evaluated = The results are published.

# Errors
error-round-title-missing = Please enter a title.
error-round-title-long = The title can be at most 200 characters long.
error-round-summary-missing = Please say briefly what it is about.
error-round-summary-long = The summary can be at most 600 characters long.
error-round-description-long = The description is too long (at most 20,000 characters).
error-round-target-groups = Please give at most 12 target groups of at most 80 characters each.
error-round-date = Please enter a date, for example 01.12.2026.
error-round-end-before-start = The last day cannot be before the first day.
error-round-contact-name = Please name a contact person or office (at most 200 characters).
error-round-contact-reach = Please give a phone number or an e-mail address.
error-round-contact-address-long = The address is too long (at most 2,000 characters).
error-phone-invalid = Please enter a phone number with digits, for example 0721 133-5000.
error-round-goals-missing = Please choose at least one goal.
error-round-goals-foreign = Please choose only goals from this municipality's strategy.
error-round-transition = That is not possible in the round's current state.
error-round-period-over = The period is already over. Please change the last day first.
error-round-evaluation-missing = Please write what became of the participation.
error-round-evaluation-long = The text is too long (at most 20,000 characters).
error-round-conflict = Someone has just changed the round. Please check its state and try again.
error-email-missing = Please enter your e-mail address.
manage-coordination-heading = Coordination

# Staff: history of a round
round-history-heading = History
round-history-automatic = automatically
round-history-changed = Changed: { $fields }
round-history-round-create = Created
round-history-round-update = Edited
round-history-round-schedule = Released, starts automatically
round-history-round-unschedule = Release taken back
round-history-round-open = Published
round-history-round-close = Ended
round-history-round-reopen = Opened again
round-history-round-evaluate = Results published
home-nothing-published = Nothing has been published here yet.
home-nothing-published-next = The participation platform is set up, but no municipality has published a participation round yet. As soon as one does, you will find it here.

# Round page: in-person workshops, finished rounds
round-in-person-heading = Workshops in person
round-workshop-cancelled = cancelled
round-finished-heading = Results
round-finished-text = This participation has ended. Taking part is no longer possible. Here you can see what came out of it.
round-finished-pending = The answers are being evaluated. The results will appear here as soon as they are ready.
round-finished-questions-heading = Questions about this participation?
round-outcome-survey = Results of the survey “{ $title }”
round-outcome-board = Ideas and the administration's answers: { $title }
