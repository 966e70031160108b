# Page titles
strategy-public-title = Strategy against poverty
strategy-goal-title = Goal of the strategy
strategy-manage-title = Strategies
strategy-edit-title = Edit strategy
strategy-field-edit-title = Edit field of action
strategy-goal-edit-title = Edit goal
strategy-measure-edit-title = Edit measure

# Public pages
strategy-period-range = { $start }–{ $end }
strategy-period = Period: { $period }
strategy-status-draft = Draft
strategy-status-adopted = Adopted
strategy-draft-notice = This strategy is a draft. It has not been adopted yet and may still change.
strategy-fields-heading = Fields of action
strategy-target = Target:
strategy-no-participation = No participation on this goal yet
strategy-rounds-count = { $count ->
    [one] 1 participation round on this goal
   *[other] { $count } participation rounds on this goal
}
strategy-ideas-count = { $count ->
    [one] 1 idea
   *[other] { $count } ideas
}
strategy-workshops-count = { $count ->
    [one] 1 workshop
   *[other] { $count } workshops
}
strategy-measures-of = Measures for: { $goal }
strategy-no-measures = There are no measures for this goal yet.
strategy-no-goals = There are no goals here yet.
strategy-archived-goals = Earlier goals
strategy-archived-goals-hint = The strategy no longer pursues these goals. You can still read what happened with them.
strategy-no-fields = This strategy has no fields of action yet.
strategy-others-heading = Other strategies
strategy-empty-heading = Strategy against poverty in { $municipality }
strategy-empty-text = This municipality has not published its strategy here yet. As soon as it does, you will find it on this page.
strategy-empty-link = See current participation
strategy-breadcrumb = You are here
strategy-goal-of = Goal in the field of action "{ $field }" – { $municipality }
strategy-goal-archived-notice = The strategy no longer pursues this goal.
strategy-archived-on = Archived on
strategy-measures-heading = Measures
strategy-progress = Progress:
strategy-goal-rounds-heading = Participation on this goal
strategy-round-dates = { $from } to { $to }
strategy-goal-no-rounds = There has been no participation on this goal yet. Results from surveys, ideas and workshops will appear here once there are some.
strategy-back-to-strategy = Back to the whole strategy
strategy-round-status-draft = In preparation
strategy-round-status-open = Running now
strategy-round-status-closed = Finished
strategy-round-status-evaluated = Results published
strategy-measure-status-planned = Planned
strategy-measure-status-running = Running
strategy-measure-status-done = Completed
strategy-measure-status-stopped = Stopped

# Staff area
strategy-manage-intro = Here you maintain your municipality's strategy: fields of action, goals and measures. Every change is logged.
strategy-manage-empty = There is no strategy yet.
strategy-new = New strategy
strategy-create = Create strategy
strategy-save = Save
strategy-public-link = View the public page
strategy-tree-heading = Fields of action and goals
strategy-details-heading = Change details
strategy-measure-count = { $count ->
    [0] no measures
    [one] 1 measure
   *[other] { $count } measures
}
strategy-archived-count = { $count ->
    [one] 1 archived goal
   *[other] { $count } archived goals
}
strategy-field-new = New field of action
strategy-field-create = Create field of action
strategy-field-kind = Field of action
strategy-goals-heading = Goals
strategy-goal-new = New goal
strategy-goal-create = Create goal
strategy-goal-kind = Goal
strategy-goal-archive = Archive goal
strategy-goal-archive-hint = An archived goal is no longer listed among the current goals. Its page, its measures and the participation on it are kept.
strategy-goal-restore = Take the goal up again
strategy-order = Order
strategy-measure-new = New measure
strategy-measure-create = Create measure
strategy-measure-kind = Measure
strategy-back-to-goal = Back to the goal
strategy-move-up = Move up
strategy-move-down = Move down

# Form fields
strategy-field-title = Title
strategy-field-period = Period
strategy-field-period-hint = First and last year, for example 2024 to 2028.
strategy-field-period-start = From (year)
strategy-field-period-end = To (year)
strategy-field-status = Status
strategy-field-summary = Summary
strategy-markdown-hint = You can use Markdown: **bold**, lists with "- " and links.
strategy-field-description = Description
strategy-field-target = Target (optional)
strategy-field-target-hint = What should be reached by when? For example: reduce the long-term unemployment rate by 10 % by 2027.
strategy-field-responsible = Responsible
strategy-field-responsible-hint = Office, provider or body, for example: Jobcenter.
strategy-field-measure-status = Status
strategy-field-measure-period = Period
strategy-field-date-hint = Optional. Date as DD/MM/YYYY, for example 31/12/2026.
strategy-field-starts-on = Start
strategy-field-ends-on = End
strategy-field-progress = Progress so far
strategy-field-progress-hint = What has been done, what is still missing? This is also shown on the public page.

# Messages
strategy-created = The strategy has been created.
strategy-saved = Your changes have been saved.
strategy-field-created = The field of action has been created.
strategy-field-saved = The field of action has been saved.
strategy-moved = The order has been changed.
strategy-goal-created = The goal has been created.
strategy-goal-saved = The goal has been saved.
strategy-goal-archived = The goal has been archived.
strategy-goal-restored = The goal has been taken up again.
strategy-measure-created = The measure has been created.
strategy-measure-saved = The measure has been saved.

# Errors
strategy-error-title-missing = Please enter a title.
strategy-error-title-too-long = The title can be at most 200 characters long.
strategy-error-text-too-long = The text is too long. Please shorten it to at most 20,000 characters.
strategy-error-year = Please enter a year between 2000 and 2100, for example 2024.
strategy-error-period-end-before-start = The last year cannot be before the first year.
strategy-error-status = Please choose a status from the list.
strategy-error-target-too-long = The target can be at most 500 characters long.
strategy-error-responsible-too-long = This can be at most 200 characters long.
strategy-error-date = Please enter a valid date, for example 31/12/2026.
strategy-error-end-before-start = The end cannot be before the start.
