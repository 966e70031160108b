# Umfragen: Antworten
survey-answer-title = Umfrage
survey-minutes = Dauer: etwa { $minutes } Minuten
survey-anonymous-note = Ihre Antworten sind anonym. Wir speichern nicht, wer geantwortet hat.
survey-page-of = Seite { $current } von { $total }
survey-required = Pflichtfrage
survey-optional = freiwillig
survey-other = Etwas anderes
survey-other-specify = Was genau?
survey-yes = Ja
survey-no = Nein
survey-dont-know = Weiß nicht
survey-no-personal-data = Bitte schreiben Sie keine Namen, Adressen oder Telefonnummern.
survey-next = Weiter
survey-back = Zurück
survey-submit = Antworten absenden
survey-code-label = Ihr Zugangscode
survey-code-hint = Der Code steht in Ihrem Brief, zum Beispiel ABCD-EFGH-JK.
survey-condition-note = Nur beantworten, wenn Sie bei „{ $question }“ „{ $option }“ gewählt haben.
survey-hint-choices-any = Sie können mehrere Antworten wählen.
survey-hint-choices-min = Wählen Sie mindestens { $min } Antworten.
survey-hint-choices-max = Wählen Sie höchstens { $max } Antworten.
survey-hint-choices-between = Wählen Sie { $min } bis { $max } Antworten.
survey-hint-number = Bitte eine ganze Zahl eingeben.
survey-hint-number-min = Bitte eine ganze Zahl ab { $min } eingeben.
survey-hint-number-max = Bitte eine ganze Zahl bis { $max } eingeben.
survey-hint-number-between = Bitte eine ganze Zahl von { $min } bis { $max } eingeben.

survey-error-required = Bitte beantworten Sie diese Frage.
survey-error-one-only = Bitte wählen Sie nur eine Antwort.
survey-error-option-unknown = Diese Antwort gibt es nicht. Bitte wählen Sie eine Antwort aus der Liste.
survey-error-other-missing = Sie haben „Etwas anderes“ gewählt. Bitte schreiben Sie dazu, was genau.
survey-error-choices-few = Sie haben zu wenige Antworten gewählt. Bitte wählen Sie mindestens { $min }.
survey-error-choices-many = Sie haben zu viele Antworten gewählt. Bitte wählen Sie höchstens { $max }.
survey-error-number-invalid = Bitte geben Sie eine ganze Zahl ein, zum Beispiel 3.
survey-error-number-between = Diese Zahl ist zu klein oder zu groß. Bitte geben Sie eine ganze Zahl von { $min } bis { $max } ein.
survey-error-number-min = Diese Zahl ist zu klein. Bitte geben Sie eine ganze Zahl ab { $min } ein.
survey-error-number-max = Diese Zahl ist zu groß. Bitte geben Sie eine ganze Zahl bis { $max } ein.
survey-error-text-long = Ihr Text ist zu lang. Bitte kürzen Sie ihn.
survey-error-code-missing = Bitte geben Sie Ihren Zugangscode ein.
survey-error-code-invalid = Diesen Code gibt es nicht oder er wurde schon benutzt.

survey-closed-title = Diese Umfrage ist beendet
survey-closed-text = Sie können hier nicht mehr antworten. Vielen Dank für Ihr Interesse.
survey-login-needed-title = Bitte melden Sie sich an
survey-login-needed-text = Für diese Umfrage brauchen Sie ein Konto. Ihre Antworten bleiben trotzdem anonym.
survey-login-link = Anmelden
survey-already-title = Sie haben schon geantwortet
survey-already-text = Jede Person kann nur einmal antworten. Vielen Dank für Ihre Teilnahme.
survey-results-pending-title = Die Ergebnisse sind noch nicht veröffentlicht
survey-results-pending-text = Sobald die Auswertung fertig ist, finden Sie die Ergebnisse hier.
survey-back-to-round = Zurück zur Beteiligung

survey-thanks-title = Vielen Dank!
survey-thanks-text = Ihre Antworten zu „{ $survey }“ sind angekommen.
survey-thanks-results = Die Ergebnisse ansehen
survey-thanks-results-later = Hier erscheinen später die Ergebnisse
survey-thanks-round = Zurück zur Beteiligung „{ $round }“

# Ergebnisse
survey-results-title = Ergebnisse
survey-results-heading = Ergebnisse: { $survey }
survey-results-preview = Nur für Mitarbeitende sichtbar: Die Ergebnisse sind noch nicht veröffentlicht.
survey-results-responses = Antworten insgesamt: { $count }
survey-results-suppression = Zum Schutz der Teilnehmenden zeigen wir Zahlen unter { $min } nicht genau an.
survey-fewer-than = weniger als { $n }
survey-percent = { $value } %
survey-decimal-separator = ,
survey-respondents = { $count ->
    [one] 1 Person hat diese Frage beantwortet.
   *[other] { $count } Personen haben diese Frage beantwortet.
}
survey-question-suppressed = Zu wenige Antworten ({ $fewer }). Das Ergebnis wird zum Schutz der Teilnehmenden nicht gezeigt.
survey-average = Durchschnitt
survey-average-hidden = Der Durchschnitt wird nicht gezeigt, weil einzelne Stufen zu wenige Antworten haben.
survey-chart = Balken
survey-texts-heading = Freigegebene Antworten
survey-texts-none = Noch keine Antworten freigegeben.
survey-texts-withheld = Freie Antworten zu „Etwas anderes“ werden zum Schutz der Teilnehmenden erst gezeigt, wenn genug Menschen sie gegeben haben.
survey-breakdown-heading = Nach Gruppen aufschlüsseln
survey-breakdown-intro = Sehen Sie, wie verschiedene Gruppen geantwortet haben:
survey-breakdown-by = Aufgeschlüsselt nach: { $question }
survey-breakdown-suppressed = Diese Aufschlüsselung ist nicht möglich: Mindestens eine Gruppe hat weniger als { $min } Antworten.
survey-goal-results-heading = Ergebnisse aus Umfragen
survey-goal-all-results = Alle Ergebnisse dieser Umfrage
survey-goal-responses-count = { $count ->
    [one] 1 Antwort aus Umfragen
   *[other] { $count } Antworten aus Umfragen
}

# Verwaltung
survey-manage-title = Umfragen
survey-manage-empty = Es gibt noch keine Umfragen.
survey-new-heading = Neue Umfrage
survey-new-no-rounds = Legen Sie zuerst eine Beteiligungsrunde an. Umfragen gehören immer zu einer Runde.
survey-round = Beteiligungsrunde
survey-round-link = Umfragen dieser Runde
survey-status = Status
survey-status-draft = Entwurf
survey-status-open = Offen
survey-status-closed = Beendet
survey-results-are-published = Ergebnisse veröffentlicht
survey-create-button = Umfrage anlegen
survey-save-button = Speichern
survey-edit-title = Umfrage bearbeiten
survey-settings-heading = Einstellungen
survey-lifecycle-heading = Stand
survey-response-count = { $count ->
    [one] 1 Antwort
   *[other] { $count } Antworten
}
survey-open-button = Umfrage öffnen
survey-close-button = Umfrage beenden
survey-publish-button = Ergebnisse veröffentlichen
survey-unpublish-button = Ergebnisse zurückziehen
survey-link-public = Öffentliche Seite
survey-link-results = Ergebnisse (live)
survey-link-print = Druckfassung
survey-link-paper = Papierbogen eingeben
survey-link-codes = Zugangscodes
survey-link-export-aggregates = Auswertung als CSV (mit Schutz kleiner Gruppen)
survey-link-export-responses = Alle Antworten als CSV (anonym)
survey-questions-heading = Fragen
survey-questions-empty = Diese Umfrage hat noch keine Fragen.
survey-locked-note = Es gibt schon Antworten. Sie können nur noch die Formulierungen ändern, nicht die Art, die Antworten oder die Reihenfolge.
survey-demographic = zur Aufschlüsselung
survey-move-up = Nach oben
survey-move-down = Nach unten
survey-delete = Entfernen
survey-add-question-heading = Frage hinzufügen
survey-add-question-button = Frage hinzufügen
survey-question-edit-title = Frage bearbeiten
survey-access-none = Ohne Anmeldung und ohne Code
survey-access-account = Nur mit Konto
survey-access-code = Nur mit Zugangscode
survey-kind-single = Eine Antwort auswählen
survey-kind-multiple = Mehrere Antworten auswählen
survey-kind-scale = Bewertung auf einer Skala
survey-kind-yesno = Ja / Nein / Weiß nicht
survey-kind-number = Zahl
survey-kind-short_text = Kurzer Text
survey-kind-long_text = Langer Text
survey-condition-none = Immer zeigen
survey-channel-online = Internet
survey-channel-paper = Papier

survey-field-title = Titel
survey-field-intro = Einleitung
survey-field-intro-hint = In einfacher Sprache: Worum geht es, was passiert mit den Antworten?
survey-field-minutes = Dauer in Minuten
survey-field-access = Wer darf antworten?
survey-field-min-group-size = Kleinste Gruppe für Ergebnisse
survey-field-kind = Art der Frage
survey-field-prompt = Frage
survey-field-help = Hilfetext
survey-field-help-hint = Freiwillig: eine kurze Erklärung unter der Frage.
survey-field-required = Pflichtfrage
survey-field-demographic = Angabe zur Person (nur zum Aufschlüsseln der Ergebnisse, z. B. Alter, Haushalt, Stadtteil)
survey-field-choice-legend = Nur bei Auswahlfragen
survey-field-options = Antworten
survey-field-options-hint = Eine Antwort pro Zeile.
survey-field-allow-other = „Etwas anderes“ mit Textfeld anbieten
survey-field-min-choices = Mindestens so viele Antworten (freiwillig)
survey-field-max-choices = Höchstens so viele Antworten (freiwillig)
survey-field-scale-legend = Nur bei Skalen
survey-field-scale-min = Kleinster Wert (0 oder 1)
survey-field-scale-max = Größter Wert (bis 10)
survey-field-scale-min-label = Beschriftung des kleinsten Werts
survey-field-scale-max-label = Beschriftung des größten Werts
survey-field-number-legend = Nur bei Zahlen
survey-field-number-min = Kleinste erlaubte Zahl (freiwillig)
survey-field-number-max = Größte erlaubte Zahl (freiwillig)
survey-field-condition = Nur zeigen, wenn vorher diese Antwort gewählt wurde
survey-field-goals = Diese Frage gehört zu den Zielen
survey-field-goals-none = Die Runde ist mit keinem Ziel verbunden.

survey-error-title-missing = Bitte geben Sie einen Titel ein.
survey-error-title-long = Der Titel ist zu lang (höchstens 200 Zeichen).
survey-error-intro-long = Die Einleitung ist zu lang.
survey-error-minutes = Bitte geben Sie die Dauer als Zahl von 1 bis 120 ein.
survey-error-access = Bitte wählen Sie, wer antworten darf.
survey-error-min-group-size = Die kleinste Gruppe muss mindestens so groß sein wie der Wert Ihrer Kommune (nie unter 3).
survey-error-round = Bitte wählen Sie eine Beteiligungsrunde Ihrer Kommune.
survey-error-kind = Bitte wählen Sie die Art der Frage.
survey-error-prompt-missing = Bitte geben Sie die Frage ein.
survey-error-prompt-long = Die Frage ist zu lang (höchstens 500 Zeichen).
survey-error-help-long = Der Hilfetext ist zu lang.
survey-error-options-few = Bitte geben Sie mindestens zwei Antworten ein, eine pro Zeile.
survey-error-options-many = Zu viele oder zu lange Antworten (höchstens 30, je 300 Zeichen).
survey-error-whole-number = Bitte eine ganze Zahl eingeben.
survey-error-choices-range = Diese Anzahl passt nicht zu den Antworten.
survey-error-scale-range = Die Skala muss bei 0 oder 1 beginnen und darf bis 10 gehen.
survey-error-scale-label-long = Die Beschriftung ist zu lang.
survey-error-number-bounds = Die größte Zahl muss größer sein als die kleinste.
survey-error-demographic-kind = Angaben zur Person müssen Fragen mit einer Antwort sein.
survey-error-condition = Diese Bedingung geht nicht. Wählen Sie eine Antwort einer früheren Auswahlfrage.
survey-error-goals = Bitte wählen Sie nur Ziele dieser Runde.
survey-error-codes-count = Bitte eine Zahl von 1 bis 2000 eingeben.
survey-error-release-text = Der freigegebene Text darf nicht leer oder zu lang sein.

survey-refused-has-answers = Es gibt schon Antworten. Nur die Formulierungen dürfen sich noch ändern, sonst stimmen die Ergebnisse nicht mehr.
survey-refused-no-questions = Eine Umfrage ohne Fragen kann nicht geöffnet werden.
survey-refused-state = Das geht im jetzigen Stand der Umfrage nicht.
survey-refused-condition-order = Eine Frage mit Bedingung muss nach der Frage stehen, von der sie abhängt.
survey-refused-depended = Eine andere Frage hängt von dieser Frage ab. Ändern Sie zuerst deren Bedingung.

survey-created = Die Umfrage ist angelegt. Fügen Sie jetzt Fragen hinzu.
survey-saved = Gespeichert.
survey-opened = Die Umfrage ist offen.
survey-closed-done = Die Umfrage ist beendet.
survey-results-published = Die Ergebnisse sind veröffentlicht.
survey-results-unpublished = Die Ergebnisse sind nicht mehr öffentlich.
survey-question-added = Die Frage ist hinzugefügt.
survey-question-saved = Die Frage ist gespeichert.
survey-question-deleted = Die Frage ist entfernt.
survey-paper-saved = Der Papierbogen ist gespeichert. Sie können den nächsten eingeben.

survey-codes-title = Zugangscodes
survey-codes-counts = Codes bisher: { $all }, davon benutzt: { $used }.
survey-codes-count = Wie viele neue Codes?
survey-codes-count-hint = Jeder Code gilt für eine Antwort. Die Codes werden nur einmal angezeigt.
survey-codes-button = Codes erzeugen
survey-codes-new-heading = Neue Codes
survey-codes-once = Drucken oder speichern Sie diese Liste jetzt. Wir speichern die Codes nur verschlüsselt und können sie nicht noch einmal zeigen.
survey-codes-letter = Umfrage im Internet: { $url }

survey-paper-title = Papierbogen eingeben
survey-paper-intro = Übertragen Sie die Antworten eines ausgefüllten Papierbogens. Die Antwort wird als „Papier“ gespeichert, ohne Ihren Namen.
survey-paper-button = Papierbogen speichern
survey-print-title = Druckfassung
survey-print-note = Diese Seite ist zum Drucken gedacht. Drucken Sie sie mit der Druckfunktion Ihres Browsers.

survey-free-text-title = Freitexte freigeben
survey-free-text-intro = Freitexte aus Umfragen erscheinen erst nach Ihrer Freigabe. Entfernen Sie vorher Namen, Adressen und andere persönliche Angaben.
survey-free-text-edit = Text (Sie können ihn vor der Freigabe kürzen)
survey-free-text-release = Freigeben
survey-free-text-reject = Nicht veröffentlichen
survey-free-text-empty = Es warten keine Freitexte.
survey-free-text-released = Der Text ist freigegeben.
survey-free-text-rejected = Der Text wird nicht veröffentlicht.
survey-pii-warning = Achtung, enthält vielleicht:
survey-pii-email = E-Mail-Adresse
survey-pii-phone = Telefonnummer
survey-pii-iban = IBAN

survey-export-question = Frage
survey-export-answer = Antwort
survey-export-count = Anzahl
survey-export-percent = Anteil in %
survey-export-respondents = Personen mit Antwort
survey-export-number = Nr.
survey-export-channel = Weg
survey-table-of = Tabelle: { $question }
survey-breakdown-table-of = Aufschlüsselung: { $question }
survey-manage-all = Alle Umfragen zeigen
survey-field-min-group-size-floor = Zahlen unter diesem Wert werden nicht gezeigt. Mindestens { $floor }: der Wert Ihrer Kommune, nie unter 3.
survey-field-min-group-size-default = Zahlen unter diesem Wert werden nicht gezeigt. Mindestens der Wert Ihrer Kommune, nie unter 3. Leer gelassen gilt der Wert Ihrer Kommune.
survey-paper-blanks = Leere Felder bleiben leer: Auf Papier ist keine Frage Pflicht. Kreuzen Sie nur an, was auf dem Bogen steht.
survey-paper-empty = Auf diesem Bogen ist nichts eingetragen. Geben Sie mindestens eine Antwort ein.
survey-export-file-aggregates = Ergebnisse
survey-export-file-responses = Antworten
survey-free-text-marked-first = Texte, in denen die Prüfung persönliche Daten vermutet, stehen oben.
survey-free-text-filter = Umfrage
survey-free-text-filter-all = Alle Umfragen
survey-free-text-filter-button = Anzeigen

# Druckfassung: Rückgabe, Seiten, Kreuze
survey-return-heading = Rückgabe der Papierbögen
survey-return-place = Wo gibt man den Bogen ab?
survey-return-place-hint = Zum Beispiel: Bürgerbüro im Rathaus, Marktplatz 1, oder der Briefkasten am Eingang. Leer lassen: Dann stehen die Ansprechperson und ihre Adresse auf dem Bogen.
survey-return-by = Bis wann?
survey-return-by-hint = Leer lassen: der letzte Tag der Beteiligung.
survey-return-save = Rückgabe speichern
survey-return-saved = Gespeichert. Der Bogen zeigt jetzt diese Angaben.
survey-error-return-place-long = Bitte schreiben Sie höchstens 500 Zeichen.
survey-error-return-by = Bitte geben Sie ein Datum ein, zum Beispiel 31.12.2026.
survey-print-page = Seite { $number } von { $total }
survey-print-online-lead = Sie können auch im Internet antworten. Scannen Sie den Code mit dem Handy oder geben Sie diese Adresse ein:
survey-print-online-code = Dafür brauchen Sie den Zugangscode aus Ihrem Brief.
survey-print-online-account = Dafür brauchen Sie ein Konto.
survey-print-return = Bitte geben Sie den ausgefüllten Bogen bis zum { $date } ab:
survey-print-return-phone = Fragen? Rufen Sie an: { $phone }
survey-print-anonymous = Ihre Antworten sind anonym. Bitte schreiben Sie Ihren Namen nicht auf den Bogen.
survey-print-how = So geht es: Machen Sie ein Kreuz in das Kästchen vor Ihrer Antwort. Wo kein Kästchen ist, schreiben Sie Ihre Antwort auf die Linie.
survey-print-one-cross = Bitte nur ein Kreuz.
survey-print-crosses = Mehrere Kreuze möglich.
survey-print-crosses-min = Mehrere Kreuze möglich, mindestens { $min }.
survey-print-crosses-max = Mehrere Kreuze möglich, höchstens { $max }.
survey-print-crosses-between = Mehrere Kreuze möglich: { $min } bis { $max }.
survey-print-number = Bitte eine ganze Zahl eintragen.
survey-print-number-min = Bitte eine ganze Zahl ab { $min } eintragen.
survey-print-number-max = Bitte eine ganze Zahl bis { $max } eintragen.
survey-print-number-between = Bitte eine ganze Zahl von { $min } bis { $max } eintragen.
survey-print-write = Bitte auf die Linie schreiben.
survey-print-thanks = Vielen Dank für Ihre Antworten!

# issue 18: a link of the error summary names the question it leads to
survey-error-summary-item = „{ $question }“: { $message }
