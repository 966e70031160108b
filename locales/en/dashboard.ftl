dashboard-intro = Here you see what is waiting for you right now – for your roles and municipalities. Each entry leads to the place where you act.
dashboard-legal-missing = Not set up yet:
dashboard-legal-link = Write the legal notice and privacy policy now
dashboard-failed-mails = { $count ->
    [one] 1 e-mail could not be sent
   *[other] { $count } e-mails could not be sent
}
dashboard-moderation-heading = Moderation
dashboard-moderation-nothing = Nothing is waiting for moderation.
dashboard-moderation-personal = { $count ->
    [one] 1 post may contain personal data
   *[other] { $count } posts may contain personal data
}
dashboard-moderation-pending = { $count ->
    [one] 1 post is waiting for release
   *[other] { $count } posts are waiting for release
}
dashboard-moderation-flagged = { $count ->
    [one] 1 flagged post
   *[other] { $count } flagged posts
}
dashboard-moderation-objections = { $count ->
    [one] 1 open objection
   *[other] { $count } open objections
}
dashboard-moderation-free-texts = { $count ->
    [one] 1 free text is waiting for release
   *[other] { $count } free texts are waiting for release
}
dashboard-week-heading = In the next 7 days
dashboard-week-nothing = No round opens or closes in the next 7 days.
dashboard-round-opens = opens on
dashboard-round-closes = closes on
dashboard-workshops-heading = Workshops in the next 14 days
dashboard-workshops-nothing = No workshop takes place in the next 14 days.
dashboard-indicators-heading = Indicators without current values
dashboard-indicator-overdue = Expected: { $expected } · latest: { $latest }
dashboard-indicator-empty = Expected: { $expected } · no value yet
dashboard-workshop-free = { $count ->
    [0] fully booked
    [one] 1 place free
   *[other] { $count } places free
}
dashboard-workshop-waitlist = { $count ->
    [one] 1 person on the waitlist
   *[other] { $count } people on the waitlist
}
dashboard-rounds-heading = Open rounds
dashboard-rounds-nothing = No round is open right now.
dashboard-round-until = Open until
dashboard-round-public = View the public page
dashboard-figure-responses = { $count ->
    [one] 1 survey response
   *[other] { $count } survey responses
}
dashboard-figure-ideas = { $count ->
    [one] 1 idea
   *[other] { $count } ideas
}
dashboard-figure-signups = { $count ->
    [one] 1 person signed up for workshops
   *[other] { $count } people signed up for workshops
}
dashboard-workshops-link = Workshops (under their round)
