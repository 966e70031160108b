## Monitoring on the public pages: goal page, strategy overview, indicator page, CSV.

monitoring-public-value-percent = { $value } %
monitoring-public-value-count = { $value }
monitoring-public-value-per_thousand = { $value } je 1.000
monitoring-public-value-euro = { $value } €
monitoring-public-value-at = { $value } ({ $period })
monitoring-public-withheld = zu wenige Fälle
monitoring-public-no-value = noch kein Wert

monitoring-public-trend-rose = { $unit ->
    [percent] Die Quote
   *[other] Der Wert
} ist seit { $since } von { $from } auf { $to } gestiegen{ $verdict ->
    [better] {" "}(eine Verbesserung)
   *[worse] {" "}(eine Verschlechterung)
}
monitoring-public-trend-fell = { $unit ->
    [percent] Die Quote
   *[other] Der Wert
} ist seit { $since } von { $from } auf { $to } gesunken{ $verdict ->
    [better] {" "}(eine Verbesserung)
   *[worse] {" "}(eine Verschlechterung)
}
monitoring-public-trend-unchanged = { $unit ->
    [percent] Die Quote
   *[other] Der Wert
} ist seit { $since } mit { $to } gleich geblieben
monitoring-public-trend-none = Seit der Ausgangslage { $since } ({ $from }) gibt es noch keinen veröffentlichten Wert
monitoring-public-target-sentence = Ziel { $period }: { $value }.
monitoring-public-target = Ziel

monitoring-public-course-on_course = auf Kurs
monitoring-public-course-stagnating = stagniert
monitoring-public-course-moving_away = entfernt sich vom Ziel
monitoring-public-course-no_data = noch keine Werte
monitoring-public-course-summary = zuletzt { $latest }, Ziel { $target }
monitoring-public-course-explained = „Auf Kurs“ heißt: Die Kennzahl bewegt sich mindestens so schnell auf das Ziel zu, wie nötig ist, um es bis zum Zieljahr zu erreichen. „Stagniert“: Sie ist nicht schlechter als zu Beginn, aber zu langsam. „Entfernt sich vom Ziel“: Sie ist schlechter als zu Beginn.

monitoring-public-goal-heading = Kennzahlen
monitoring-public-baseline = Ausgangslage
monitoring-public-latest = Zuletzt
monitoring-public-course = Kurs
monitoring-public-chart-title = { $indicator } in { $area } im Zeitverlauf
monitoring-public-chart-desc = Verlauf von { $from } bis { $to } für { $area }, zuletzt { $latest }.
monitoring-public-chart-gaps = { $count ->
    [one] Ein Wert wird wegen zu weniger Fälle nicht veröffentlicht (Lücke in der Linie).
   *[other] { $count } Werte werden wegen zu weniger Fälle nicht veröffentlicht (Lücken in der Linie).
}
monitoring-public-table-caption = Werte für { $area }
monitoring-public-table-caption-all = Werte der Kommune insgesamt
monitoring-public-period = Zeitraum
monitoring-public-value = Wert
monitoring-public-no-whole = Für die Kommune als Ganzes gibt es noch keine veröffentlichten Werte.
monitoring-public-districts-heading = Nach Sozialräumen
monitoring-public-districts-limited = Die { $shown } Sozialräume mit den ungünstigsten Werten, von { $total }.
monitoring-public-districts-all = Alle Sozialräume und Jahre
monitoring-public-gap = mit Lücken
monitoring-public-gaps-note = Lücken: Werte mit zu wenigen Fällen oder aus Sozialräumen mit zu wenigen Einwohnerinnen und Einwohnern werden nicht veröffentlicht.
monitoring-public-more = Mehr zu { $indicator }

monitoring-public-overview-heading = Kennzahlen im Überblick
monitoring-public-overview-intro = Wie sich die Kennzahlen entwickeln, die zu den Zielen gehören.

monitoring-public-indicator-title = Kennzahl
monitoring-public-indicator-of = Kennzahl der Strategie von { $municipality }
monitoring-public-definition = Was gemessen wird
monitoring-public-source = Quelle
monitoring-public-unit = Einheit
monitoring-public-frequency = Erhoben
monitoring-public-direction = Richtung
monitoring-public-good-down = Gut ist, wenn der Wert sinkt.
monitoring-public-good-up = Gut ist, wenn der Wert steigt.
monitoring-public-goals = Ziele mit dieser Kennzahl
monitoring-public-goal-line = Ausgangslage { $baseline }, Ziel { $target }
monitoring-public-overall = { $municipality } insgesamt
monitoring-public-all-heading = Alle Sozialräume im Zeitverlauf
monitoring-public-area = Gebiet
monitoring-public-csv = Als CSV-Datei herunterladen
monitoring-public-withheld-rule = Werte mit weniger als { $cases } Fällen und Werte von Sozialräumen mit weniger als { $inhabitants } Einwohnerinnen und Einwohnern werden zum Schutz der Menschen dort nicht veröffentlicht: Dort steht „zu wenige Fälle“.
monitoring-public-back = Zur Strategie

monitoring-public-csv-area = Gebiet
monitoring-public-csv-period = Zeitraum
monitoring-public-csv-value = Wert
monitoring-public-csv-note = Hinweis
