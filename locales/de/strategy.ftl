# Seitentitel
strategy-public-title = Strategie gegen Armut
strategy-goal-title = Ziel der Strategie
strategy-manage-title = Strategien
strategy-edit-title = Strategie bearbeiten
strategy-field-edit-title = Handlungsfeld bearbeiten
strategy-goal-edit-title = Ziel bearbeiten
strategy-measure-edit-title = Maßnahme bearbeiten

# Öffentliche Seiten
strategy-period-range = { $start }–{ $end }
strategy-period = Zeitraum: { $period }
strategy-status-draft = Entwurf
strategy-status-adopted = Beschlossen
strategy-draft-notice = Diese Strategie ist ein Entwurf. Sie ist noch nicht beschlossen und kann sich noch ändern.
strategy-fields-heading = Handlungsfelder
strategy-target = Zielwert:
strategy-no-participation = Noch keine Beteiligung zu diesem Ziel
strategy-rounds-count = { $count ->
    [one] 1 Beteiligungsrunde zu diesem Ziel
   *[other] { $count } Beteiligungsrunden zu diesem Ziel
}
strategy-ideas-count = { $count ->
    [one] 1 Idee
   *[other] { $count } Ideen
}
strategy-workshops-count = { $count ->
    [one] 1 Werkstatt
   *[other] { $count } Werkstätten
}
strategy-measures-of = Maßnahmen zu: { $goal }
strategy-no-measures = Zu diesem Ziel gibt es noch keine Maßnahmen.
strategy-no-goals = Hier gibt es noch keine Ziele.
strategy-archived-goals = Frühere Ziele
strategy-archived-goals-hint = Diese Ziele verfolgt die Strategie nicht mehr. Was dazu passiert ist, können Sie weiter nachlesen.
strategy-no-fields = Diese Strategie hat noch keine Handlungsfelder.
strategy-others-heading = Weitere Strategien
strategy-empty-heading = Strategie gegen Armut in { $municipality }
strategy-empty-text = Diese Kommune hat ihre Strategie noch nicht hier veröffentlicht. Sobald es so weit ist, finden Sie sie auf dieser Seite.
strategy-empty-link = Zu den aktuellen Beteiligungen
strategy-breadcrumb = Sie sind hier
strategy-goal-of = Ziel im Handlungsfeld „{ $field }“ – { $municipality }
strategy-goal-archived-notice = Die Strategie verfolgt dieses Ziel nicht mehr.
strategy-archived-on = Archiviert am
strategy-measures-heading = Maßnahmen
strategy-progress = Stand:
strategy-goal-rounds-heading = Beteiligung zu diesem Ziel
strategy-round-dates = { $from } bis { $to }
strategy-goal-no-rounds = Zu diesem Ziel gab es noch keine Beteiligung. Ergebnisse aus Umfragen, Ideen und Werkstätten erscheinen hier, sobald es welche gibt.
strategy-back-to-strategy = Zurück zur ganzen Strategie
strategy-round-status-draft = In Vorbereitung
strategy-round-status-open = Läuft gerade
strategy-round-status-closed = Beendet
strategy-round-status-evaluated = Ergebnisse veröffentlicht
strategy-measure-status-planned = Geplant
strategy-measure-status-running = Läuft
strategy-measure-status-done = Abgeschlossen
strategy-measure-status-stopped = Gestoppt

# Verwaltung
strategy-manage-intro = Hier pflegen Sie die Strategie Ihrer Kommune: Handlungsfelder, Ziele und Maßnahmen. Jede Änderung wird protokolliert.
strategy-manage-empty = Es gibt noch keine Strategie.
strategy-new = Neue Strategie
strategy-create = Strategie anlegen
strategy-save = Speichern
strategy-public-link = Öffentliche Seite ansehen
strategy-tree-heading = Handlungsfelder und Ziele
strategy-details-heading = Angaben ändern
strategy-measure-count = { $count ->
    [0] keine Maßnahmen
    [one] 1 Maßnahme
   *[other] { $count } Maßnahmen
}
strategy-archived-count = { $count ->
    [one] 1 archiviertes Ziel
   *[other] { $count } archivierte Ziele
}
strategy-field-new = Neues Handlungsfeld
strategy-field-create = Handlungsfeld anlegen
strategy-field-kind = Handlungsfeld
strategy-goals-heading = Ziele
strategy-goal-new = Neues Ziel
strategy-goal-create = Ziel anlegen
strategy-goal-kind = Ziel
strategy-goal-archive = Ziel archivieren
strategy-goal-archive-hint = Ein archiviertes Ziel steht nicht mehr in der Liste der aktuellen Ziele. Seine Seite, seine Maßnahmen und die Beteiligung dazu bleiben erhalten.
strategy-goal-restore = Ziel wieder aufnehmen
strategy-order = Reihenfolge
strategy-measure-new = Neue Maßnahme
strategy-measure-create = Maßnahme anlegen
strategy-measure-kind = Maßnahme
strategy-back-to-goal = Zurück zum Ziel
strategy-move-up = Nach oben
strategy-move-down = Nach unten

# Formularfelder
strategy-field-title = Titel
strategy-field-period = Zeitraum
strategy-field-period-hint = Erstes und letztes Jahr, zum Beispiel 2024 bis 2028.
strategy-field-period-start = Von (Jahr)
strategy-field-period-end = Bis (Jahr)
strategy-field-status = Stand
strategy-field-summary = Zusammenfassung
strategy-markdown-hint = Sie können Markdown nutzen: **fett**, Listen mit „- “ und Links.
strategy-field-description = Beschreibung
strategy-field-target = Zielwert (freiwillig)
strategy-field-target-hint = Was soll bis wann erreicht sein? Zum Beispiel: Quote der Langzeitarbeitslosen bis 2027 um 10 % senken.
strategy-field-responsible = Zuständig
strategy-field-responsible-hint = Amt, Träger oder Stelle, zum Beispiel: Jobcenter.
strategy-field-measure-status = Stand
strategy-field-measure-period = Zeitraum
strategy-field-date-hint = Freiwillig. Datum als TT.MM.JJJJ, zum Beispiel 31.12.2026.
strategy-field-starts-on = Beginn
strategy-field-ends-on = Ende
strategy-field-progress = Stand der Umsetzung
strategy-field-progress-hint = Was ist schon geschehen, was fehlt noch? Das steht auch auf der öffentlichen Seite.

# Meldungen
strategy-created = Die Strategie ist angelegt.
strategy-saved = Die Änderungen sind gespeichert.
strategy-field-created = Das Handlungsfeld ist angelegt.
strategy-field-saved = Das Handlungsfeld ist gespeichert.
strategy-moved = Die Reihenfolge ist geändert.
strategy-goal-created = Das Ziel ist angelegt.
strategy-goal-saved = Das Ziel ist gespeichert.
strategy-goal-archived = Das Ziel ist archiviert.
strategy-goal-restored = Das Ziel ist wieder aufgenommen.
strategy-measure-created = Die Maßnahme ist angelegt.
strategy-measure-saved = Die Maßnahme ist gespeichert.

# Fehler
strategy-error-title-missing = Bitte geben Sie einen Titel ein.
strategy-error-title-too-long = Der Titel darf höchstens 200 Zeichen lang sein.
strategy-error-text-too-long = Der Text ist zu lang. Bitte kürzen Sie ihn auf höchstens 20.000 Zeichen.
strategy-error-year = Bitte geben Sie ein Jahr zwischen 2000 und 2100 ein, zum Beispiel 2024.
strategy-error-period-end-before-start = Das letzte Jahr darf nicht vor dem ersten Jahr liegen.
strategy-error-status = Bitte wählen Sie einen Stand aus der Liste.
strategy-error-target-too-long = Der Zielwert darf höchstens 500 Zeichen lang sein.
strategy-error-responsible-too-long = Die Angabe darf höchstens 200 Zeichen lang sein.
strategy-error-date = Bitte geben Sie ein gültiges Datum ein, zum Beispiel 31.12.2026.
strategy-error-end-before-start = Das Ende darf nicht vor dem Beginn liegen.
