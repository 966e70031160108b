## Monitoring on the public pages: goal page, strategy overview, indicator page, CSV.

monitoring-public-value-percent = { $value }%
monitoring-public-value-count = { $value }
monitoring-public-value-per_thousand = { $value } per 1,000
monitoring-public-value-euro = €{ $value }
monitoring-public-value-at = { $value } ({ $period })
monitoring-public-withheld = too few cases
monitoring-public-no-value = no value yet

monitoring-public-trend-rose = { $unit ->
    [percent] The rate
   *[other] The value
} has risen from { $from } to { $to } since { $since }{ $verdict ->
    [better] {" "}(an improvement)
   *[worse] {" "}(a deterioration)
}
monitoring-public-trend-fell = { $unit ->
    [percent] The rate
   *[other] The value
} has fallen from { $from } to { $to } since { $since }{ $verdict ->
    [better] {" "}(an improvement)
   *[worse] {" "}(a deterioration)
}
monitoring-public-trend-unchanged = { $unit ->
    [percent] The rate
   *[other] The value
} has stayed at { $to } since { $since }
monitoring-public-trend-none = No value has been published since the baseline { $since } ({ $from })
monitoring-public-target-sentence = Target { $period }: { $value }.
monitoring-public-target = Target

monitoring-public-course-on_course = on course
monitoring-public-course-stagnating = stagnating
monitoring-public-course-moving_away = moving away from the target
monitoring-public-course-no_data = no values yet
monitoring-public-course-summary = latest { $latest }, target { $target }
monitoring-public-course-explained = “On course” means the indicator moves towards its target at least as fast as needed to reach it by the target year. “Stagnating”: it is no worse than at the start, but too slow. “Moving away from the target”: it is worse than at the start.

monitoring-public-goal-heading = Indicators
monitoring-public-baseline = Baseline
monitoring-public-latest = Latest
monitoring-public-course = Course
monitoring-public-chart-title = { $indicator } in { $area } over time
monitoring-public-chart-desc = Values from { $from } to { $to } for { $area }, latest { $latest }.
monitoring-public-chart-gaps = { $count ->
    [one] One value is not published because there were too few cases (a gap in the line).
   *[other] { $count } values are not published because there were too few cases (gaps in the line).
}
monitoring-public-table-caption = Values for { $area }
monitoring-public-table-caption-all = Values for the municipality as a whole
monitoring-public-period = Period
monitoring-public-value = Value
monitoring-public-no-whole = No values have been published for the municipality as a whole yet.
monitoring-public-districts-heading = By district
monitoring-public-districts-limited = The { $shown } districts with the least favourable values, of { $total }.
monitoring-public-districts-all = All districts and years
monitoring-public-gap = with gaps
monitoring-public-gaps-note = Gaps: values with too few cases, or from districts with too few inhabitants, are not published.
monitoring-public-more = More on { $indicator }

monitoring-public-overview-heading = Indicators at a glance
monitoring-public-overview-intro = How the indicators that belong to the goals are developing.

monitoring-public-indicator-title = Indicator
monitoring-public-indicator-of = Indicator of the strategy of { $municipality }
monitoring-public-definition = What is measured
monitoring-public-source = Source
monitoring-public-unit = Unit
monitoring-public-frequency = Collected
monitoring-public-direction = Direction
monitoring-public-good-down = Lower is better.
monitoring-public-good-up = Higher is better.
monitoring-public-goals = Goals with this indicator
monitoring-public-goal-line = baseline { $baseline }, target { $target }
monitoring-public-overall = { $municipality } as a whole
monitoring-public-all-heading = All districts over time
monitoring-public-area = Area
monitoring-public-csv = Download as CSV file
monitoring-public-withheld-rule = To protect the people there, values with fewer than { $cases } cases and values of districts with fewer than { $inhabitants } inhabitants are not published: they read “too few cases”.
monitoring-public-back = Back to the strategy

monitoring-public-csv-area = Area
monitoring-public-csv-period = Period
monitoring-public-csv-value = Value
monitoring-public-csv-note = Note
