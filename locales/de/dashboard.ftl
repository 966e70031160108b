dashboard-intro = Hier sehen Sie, was gerade auf Sie wartet – für Ihre Rollen und Kommunen. Jeder Eintrag führt an die Stelle, an der Sie handeln.
dashboard-legal-missing = Noch nicht eingerichtet:
dashboard-legal-link = Impressum und Datenschutzerklärung jetzt schreiben
dashboard-failed-mails = { $count ->
    [one] 1 E-Mail konnte nicht verschickt werden
   *[other] { $count } E-Mails konnten nicht verschickt werden
}
dashboard-moderation-heading = Moderation
dashboard-moderation-nothing = Nichts wartet auf die Moderation.
dashboard-moderation-personal = { $count ->
    [one] 1 Beitrag enthält vielleicht persönliche Daten
   *[other] { $count } Beiträge enthalten vielleicht persönliche Daten
}
dashboard-moderation-pending = { $count ->
    [one] 1 Beitrag wartet auf Freigabe
   *[other] { $count } Beiträge warten auf Freigabe
}
dashboard-moderation-flagged = { $count ->
    [one] 1 gemeldeter Beitrag
   *[other] { $count } gemeldete Beiträge
}
dashboard-moderation-objections = { $count ->
    [one] 1 offener Einspruch
   *[other] { $count } offene Einsprüche
}
dashboard-moderation-free-texts = { $count ->
    [one] 1 Freitext wartet auf Freigabe
   *[other] { $count } Freitexte warten auf Freigabe
}
dashboard-week-heading = In den nächsten 7 Tagen
dashboard-week-nothing = Keine Runde beginnt oder endet in den nächsten 7 Tagen.
dashboard-round-opens = beginnt am
dashboard-round-closes = endet am
dashboard-workshops-heading = Werkstätten in den nächsten 14 Tagen
dashboard-workshops-nothing = In den nächsten 14 Tagen findet keine Werkstatt statt.
dashboard-indicators-heading = Kennzahlen ohne aktuelle Werte
dashboard-indicator-overdue = Erwartet: { $expected } · zuletzt: { $latest }
dashboard-indicator-empty = Erwartet: { $expected } · noch kein Wert
dashboard-workshop-free = { $count ->
    [0] ausgebucht
    [one] 1 Platz frei
   *[other] { $count } Plätze frei
}
dashboard-workshop-waitlist = { $count ->
    [one] 1 Person auf der Warteliste
   *[other] { $count } Personen auf der Warteliste
}
dashboard-rounds-heading = Laufende Runden
dashboard-rounds-nothing = Gerade läuft keine Runde.
dashboard-round-until = Läuft bis
dashboard-round-public = Öffentliche Seite ansehen
dashboard-figure-responses = { $count ->
    [one] 1 Antwort auf Umfragen
   *[other] { $count } Antworten auf Umfragen
}
dashboard-figure-ideas = { $count ->
    [one] 1 Idee
   *[other] { $count } Ideen
}
dashboard-figure-signups = { $count ->
    [one] 1 Person für Werkstätten angemeldet
   *[other] { $count } Personen für Werkstätten angemeldet
}
dashboard-workshops-link = Werkstätten (bei ihrer Runde)
