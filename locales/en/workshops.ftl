# Workshops: public page, sign-up, management, mails

workshop-page-title = Workshop
workshop-kind = Workshop to have your say in person
workshop-back-to-round = Back to the participation round “{ $round }”
workshop-status-draft = Draft
workshop-status-published = Open for sign-up
workshop-status-cancelled = Cancelled
workshop-status-held = Has taken place
workshop-cancelled-notice = This workshop is cancelled. It will not take place.
workshop-when-label = When
workshop-where-label = Where
workshop-transit-label = How to get there
workshop-places-label = Places
workshop-deadline-label = Sign up by
workshop-places-free = { $count ->
    [one] 1 place left
   *[other] { $count } places left
}
workshop-full = Fully booked – you join the waiting list
workshop-ics-link = Add to my calendar (.ics)
workshop-when = { $weekday }, { $date }, { $from } to { $to }
workshop-weekday-1 = Monday
workshop-weekday-2 = Tuesday
workshop-weekday-3 = Wednesday
workshop-weekday-4 = Thursday
workshop-weekday-5 = Friday
workshop-weekday-6 = Saturday
workshop-weekday-7 = Sunday
workshop-access-heading = What there is on site
workshop-offer-step-free = Step-free access
workshop-offer-no-step-free = Sorry, there is no step-free access
workshop-offer-childcare = Childcare on site
workshop-offer-no-childcare = No childcare
workshop-offer-interpreter = Interpreting into: { $languages }
workshop-offer-sign-language = Sign language
workshop-offer-travel-costs = Travel costs are refunded
workshop-offer-food = Free food and drinks
workshop-about-heading = What it is about
workshop-result-heading = What came out of it
workshop-informed-goals = The result feeds into these goals:
workshop-attendance = { $count } people took part
workshop-attendance-suppressed = Fewer than { $min } people took part
workshops-held-heading = Results from workshops
workshops-of-round-link = Workshops of this round

signup-heading = Sign up
signup-intro = You do not need an account. A first name is enough.
signup-submit = Sign up now
signup-save = Save changes
field-signup-name = Your name
field-signup-name-hint = A first name is enough.
signup-contact-legend = How we can reach you (optional)
signup-contact-hint = Give an e-mail address or phone number so we can tell you if something changes. You can also sign up without.
field-signup-email = E-mail address
field-signup-phone = Phone number
field-signup-people = How many people are coming?
field-signup-people-hint = Including yourself. At most { $max }.
signup-needs-legend = What do you need?
signup-needs-hint = Tell us what helps you. Everything is optional.
field-signup-childcare = I need childcare
field-signup-children = How many children?
field-signup-children-ages = How old are the children?
field-signup-children-ages-hint = For example: 3 and 7
field-signup-interpreter = I need interpreting into
field-signup-interpreter-none = No interpreting needed
field-signup-step-free = I need step-free access
field-signup-note = Anything else?
field-signup-note-hint = For example: I do not eat meat.

signup-page-title = Your sign-up
signup-created = You are signed up. We look forward to seeing you!
signup-waitlisted = The workshop is full. You are on the waiting list. If a place becomes free, you move up automatically.
signup-saved = Your changes are saved.
signup-cancelled = Your sign-up is cancelled.
signup-is-cancelled = This sign-up is cancelled.
signup-code-heading = Your sign-up number
signup-code-hint = Give this number when you call or arrive.
signup-status-label = Status:
signup-status-confirmed = Signed up
signup-status-waitlisted = On the waiting list
signup-status-cancelled = Cancelled
signup-waitlist-hint = If a place becomes free, you move up automatically.
signup-link-label = Your personal link:
signup-link-hint-mail = We also sent you the link by e-mail. With the link you can view, change or cancel your sign-up.
signup-link-hint-save = Save this link or write it down. With the link you can view, change or cancel your sign-up.
signup-workshop-link = To the workshop
signup-change-heading = Change sign-up
signup-cancel-heading = Cancel
signup-cancel-text = You cannot come after all? Then please cancel. Someone from the waiting list gets your place.
signup-cancel-button = Cancel sign-up
signup-link-invalid-title = We do not know this link
signup-link-invalid-text = The link is wrong or too old. Some time after a workshop we delete the sign-ups. If you have questions, call the municipality.
signup-link-invalid-home = To the home page
signup-source-online = online
signup-source-staff = entered by staff

error-signup-name-missing = Please give a name. A first name is enough.
error-signup-name-long = The name is too long.
error-signup-people = Please say how many people are coming (at least 1).
error-signup-people-limit = That many people do not fit one sign-up. Please sign up the others separately.
error-signup-children = Please say how many children need care (1 to 12).
error-signup-ages-long = The ages are too long.
error-signup-language = Sorry, we do not offer this language here.
error-signup-note-long = The text is too long (at most 1000 characters).
error-signup-not-waitlisted = This sign-up is not (or no longer) on the waiting list.
error-signup-not-confirmed = This sign-up is not confirmed or already cancelled.
error-signup-already-checked-in = This sign-up is already marked as present.
error-signup-code-unknown = There is no such sign-up number for this workshop.
error-workshop-not-open = You cannot sign up for this workshop right now.
error-workshop-cancelled = This workshop is cancelled. You can no longer sign up.
error-workshop-deadline-passed = The sign-up period is over. Feel free to call – there may still be room.
error-workshop-no-room = There are not enough free places for that.
error-workshop-not-held = This is possible only after the workshop has taken place.
error-workshop-not-started = The workshop has not started yet.
error-workshop-wrong-state = This is not (or no longer) possible in the workshop's current state. The page shows how it stands now.
error-workshop-capacity-below = More people have already signed up. The places cannot be fewer.
error-workshop-title-missing = Please give a title.
error-workshop-title-long = The title is too long (at most 200 characters).
error-workshop-text-long = The text is too long.
error-workshop-short-long = This is too long (at most 200 characters).
error-workshop-date = Please give a date, for example 03.12.2026.
error-workshop-time = Please give a time, for example 18:00.
error-workshop-end-before-start = The end must be after the start.
error-workshop-deadline-after = The sign-up deadline cannot be after the workshop.
error-workshop-address-missing = Please give the address.
error-workshop-capacity = Please give the number of places (1 to 10000).
error-workshop-per-signup = Please give a number from 1 to 20.
error-workshop-languages = At most 12 languages, each at most 60 characters.
error-workshop-goals-foreign = Please choose only goals of this municipality's strategy.

manage-workshops-title = Workshops
manage-workshops-back = Back to the round “{ $round }”
manage-workshops-back-list = Back to the round's workshops
manage-workshops-status = Status
manage-workshops-places = Places
manage-workshops-occupancy = { $confirmed } of { $capacity } taken, { $waitlisted } on the waiting list
manage-workshops-empty = This round has no workshop yet.
workshop-new-title = New workshop
workshop-edit-title = Edit workshop
workshop-created = The workshop is created. It is still a draft.
workshop-saved = The workshop is saved.
workshop-published = The workshop is published. People can sign up now.
workshop-cancelled = The workshop is cancelled. Everyone signed up with an e-mail address is told.
workshop-marked-held = The workshop is marked as held.
workshop-documented = The documentation is saved.
workshop-lifecycle-heading = Status and actions
workshop-lifecycle-status = Status
workshop-public-page = Public page
workshop-publish-button = Publish
workshop-held-button = Has taken place
workshop-cancel-hint = Everyone signed up with an e-mail address gets a message. Please call those without e-mail.
workshop-cancel-button = Cancel workshop
workshop-documentation-heading = Documentation
field-workshop-documentation = What came out of it?
field-workshop-documentation-hint = In plain language. You can use Markdown. It appears on the round's page and on each chosen goal.
field-workshop-goals = Which goals does the result feed into?
workshop-no-goals = The strategy has no goals yet.
workshop-documentation-button = Save documentation
workshop-form-about = What is it about?
workshop-form-time = When?
workshop-form-time-hint = Times are in the municipality's time zone.
workshop-form-place = Where?
workshop-form-places = Places and offers
workshop-save-button = Save
field-workshop-title = Title
field-workshop-description = Description
field-workshop-description-hint = In plain language. You can use Markdown.
field-workshop-date = Date
field-workshop-starts = Start (time)
field-workshop-ends = End (time)
field-workshop-deadline = Sign up by (date)
field-workshop-deadline-hint = Until the end of that day, at the latest until the start.
field-workshop-address = Address
field-workshop-room = Room
field-workshop-transit = Getting there by bus and train
field-workshop-transit-hint = For example: bus 12 to the town hall stop, then a 2-minute walk.
field-workshop-capacity = Places (people)
field-workshop-max-per-signup = At most people per sign-up
field-workshop-max-per-signup-hint = For example 4 for a family.
field-workshop-offers = What is there on site?
field-workshop-languages = Interpreting into these languages
field-workshop-languages-hint = Separated by commas, for example: Arabic, Turkish, Ukrainian. Leave empty if there is no interpreting.

manage-signups-title = Sign-ups
manage-signups-link = Sign-ups
manage-signups-back = Back to the workshop
manage-signups-back-list = Back to the sign-ups
manage-signups-summary = Overview
manage-signups-confirmed = Signed up
manage-signups-confirmed-value = { $confirmed } of { $capacity } places taken, { $free } free
manage-signups-waitlisted = People on the waiting list
manage-signups-attended = People present
manage-needs-childcare = Childcare
manage-needs-childcare-value = { $signups } sign-ups with { $children } children in all
manage-needs-step-free = Step-free access needed
manage-needs-interpreter = Interpreting
manage-needs-none = none
manage-needs-no-contact = Without e-mail and phone
manage-signups-export = Download as CSV
manage-signups-attendance = Attendance list to print
manage-checkin-heading = Check in
field-checkin-code = Sign-up number
manage-checkin-button = Mark as present
manage-checkin-row-button = Is here
manage-promote-button = Move up from the waiting list
manage-signups-list = All sign-ups
manage-signups-who = Who
manage-signups-needs = Needs
manage-signups-status = Status
manage-signups-code = No.
manage-signups-deleted = Data deleted
manage-signups-children = { $count ->
    [one] 1 child
   *[other] { $count } children
}
manage-signups-interpreter = Interpreting: { $language }
manage-signups-step-free = step-free
manage-signups-checked-in = present
manage-signups-empty = No sign-ups yet.
manage-signups-add-heading = Enter a sign-up
manage-signups-add-hint = For sign-ups by phone or at the door. The sign-up deadline does not apply here.
signup-add-button = Enter sign-up
signup-added = The sign-up is entered.
signup-added-waitlist = The workshop is full. The sign-up is on the waiting list.
signup-checked-in = Marked as present.
signup-promoted = The sign-up moved up from the waiting list.
attendance-title = Attendance list
attendance-print-hint = Print this page with your browser's print function.
attendance-here = Here

csv-seq = No
csv-code = Sign-up number
csv-status = Status
csv-name = Name
csv-email = E-mail
csv-phone = Phone
csv-people = People
csv-children = Children
csv-children-ages = Children's ages
csv-interpreter = Interpreting
csv-step-free = Step-free
csv-note = Note
csv-source = Source
csv-checked-in = Present
csv-created = Signed up on
csv-yes = yes

mail-workshop-greeting = Hello { $name },
mail-workshop-code = Your sign-up number: { $code }
mail-workshop-waitlisted = The workshop is full at the moment. You are on the waiting list. If a place becomes free, you move up automatically and get an e-mail.
mail-workshop-ics = Attached is a calendar entry.
mail-workshop-link-hint = With this link you can view, change or cancel your sign-up:
mail-workshop_signup-subject = Your sign-up for the workshop
mail-workshop_signup-text = thank you for signing up.
mail-workshop_signup-button = View sign-up
mail-workshop_promoted-subject = A place became free – you are in
mail-workshop_promoted-text = good news: a place became free. You are now firmly signed up.
mail-workshop_promoted-button = To the workshop
mail-workshop_cancelled-subject = The workshop is cancelled
mail-workshop_cancelled-text = sorry, we have to cancel this workshop. It will not take place.
mail-workshop_cancelled-button = To the workshop
mail-workshop_reminder-subject = Reminder: your workshop is tomorrow
mail-workshop_reminder-text = this is a reminder of the workshop. We look forward to seeing you!
mail-workshop_reminder-button = To the workshop
csv-file-signups = sign-ups
manage-cancel-title = Cancel a sign-up
manage-cancel-back = Back to the sign-ups
manage-cancel-people = People
manage-cancel-text = The places become free. Whoever is on the waitlist and fits moves up at once and gets an e-mail.
manage-cancel-text-waitlisted = The sign-up is taken off the waitlist.
manage-cancel-mail = The person gets an e-mail saying that their sign-up is cancelled.
manage-cancel-no-mail = The person gave no e-mail address. Please tell them yourself that the sign-up is cancelled.
manage-cancel-button = Yes, cancel the sign-up
manage-cancel-keep = No, go back
manage-cancel-row-link = Cancel
signup-cancelled-by-staff = The sign-up is cancelled.
signup-error-not-cancellable = This sign-up can no longer be cancelled.
mail-workshop_signup_cancelled-subject = Your sign-up is cancelled
mail-workshop_signup_cancelled-text = as you asked, we have cancelled your sign-up for this workshop.
mail-workshop_signup_cancelled-again = Was this a mistake? Then simply sign up again while places are free.

# Own sign-up: waiting list without e-mail, cancelling with a question first
signup-waitlist-mail = If you move up, we will send you an e-mail.
signup-waitlist-look = We cannot tell you when you move up: you gave no e-mail address. Look at your private link before the workshop. It shows whether you have a place.
signup-waitlist-call = Or call { $phone } and give your sign-up number { $code }.
signup-link-hint-cancelled = This sign-up is cancelled. Would you like to come after all? Then sign up again on the workshop's page.
signup-cancel-link = Cancel sign-up …
signup-cancel-confirm-title = Really cancel your sign-up?
signup-cancel-confirm-text = You are cancelling this sign-up:
signup-cancel-workshop = Workshop
signup-cancel-confirm-place = Your place then goes to the next person on the waiting list. You cannot undo this.
signup-cancel-confirm-waitlist = You will then no longer be on the waiting list. You cannot undo this.
signup-cancel-keep = No, back to my sign-up

# Attendance list: columns, totals, rows for people without a sign-up
attendance-number = No.
attendance-name = Name
attendance-people = People
attendance-people-heading = { $people ->
    [one] 1 person
   *[other] { $people } people
} signed up ({ $signups ->
    [one] 1 sign-up
   *[other] { $signups } sign-ups
})
attendance-waiting-heading = { $people ->
    [one] 1 person
   *[other] { $people } people
} on the waiting list
attendance-total = Total
attendance-total-signups = { $count ->
    [one] 1 sign-up
   *[other] { $count } sign-ups
}
attendance-total-needs-none = no particular needs
attendance-walk-ins = Came without a sign-up
attendance-walk-ins-hint = Write down here who comes without a sign-up.
