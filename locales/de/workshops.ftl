# Werkstätten (Beteiligungswerkstätten): öffentliche Seite, Anmeldung, Verwaltung, Mails

workshop-page-title = Werkstatt
workshop-kind = Werkstatt zum Mitreden vor Ort
workshop-back-to-round = Zurück zur Beteiligungsrunde „{ $round }“
workshop-status-draft = Entwurf
workshop-status-published = Anmeldung möglich
workshop-status-cancelled = Abgesagt
workshop-status-held = Hat stattgefunden
workshop-cancelled-notice = Diese Werkstatt ist abgesagt. Sie findet nicht statt.
workshop-when-label = Wann
workshop-where-label = Wo
workshop-transit-label = So kommen Sie hin
workshop-places-label = Plätze
workshop-deadline-label = Anmelden bis
workshop-places-free = { $count ->
    [one] Noch 1 Platz frei
   *[other] Noch { $count } Plätze frei
}
workshop-full = Ausgebucht – Sie kommen auf die Warteliste
workshop-ics-link = In meinen Kalender eintragen (.ics)
workshop-when = { $weekday }, { $date }, { $from } bis { $to } Uhr
workshop-weekday-1 = Montag
workshop-weekday-2 = Dienstag
workshop-weekday-3 = Mittwoch
workshop-weekday-4 = Donnerstag
workshop-weekday-5 = Freitag
workshop-weekday-6 = Samstag
workshop-weekday-7 = Sonntag
workshop-access-heading = Was es vor Ort gibt
workshop-offer-step-free = Ohne Stufen erreichbar (barrierefrei)
workshop-offer-no-step-free = Leider nicht ohne Stufen erreichbar
workshop-offer-childcare = Kinderbetreuung vor Ort
workshop-offer-no-childcare = Keine Kinderbetreuung
workshop-offer-interpreter = Dolmetschen in: { $languages }
workshop-offer-sign-language = Gebärdensprache
workshop-offer-travel-costs = Fahrtkosten werden erstattet
workshop-offer-food = Essen und Trinken gibt es kostenlos
workshop-about-heading = Worum es geht
workshop-result-heading = Was dabei herauskam
workshop-informed-goals = Das Ergebnis fließt in diese Ziele ein:
workshop-attendance = { $count } Menschen waren dabei
workshop-attendance-suppressed = Weniger als { $min } Menschen waren dabei
workshops-held-heading = Ergebnisse aus Werkstätten
workshops-of-round-link = Werkstätten dieser Runde

signup-heading = Anmelden
signup-intro = Sie brauchen kein Konto. Ein Vorname reicht.
signup-submit = Jetzt anmelden
signup-save = Änderungen speichern
field-signup-name = Ihr Name
field-signup-name-hint = Ein Vorname reicht.
signup-contact-legend = So erreichen wir Sie (freiwillig)
signup-contact-hint = Geben Sie eine E-Mail-Adresse oder Telefonnummer an, dann können wir Sie informieren, wenn sich etwas ändert. Sie können sich aber auch ohne anmelden.
field-signup-email = E-Mail-Adresse
field-signup-phone = Telefonnummer
field-signup-people = Wie viele Personen kommen?
field-signup-people-hint = Sie selbst mitgezählt. Höchstens { $max }.
signup-needs-legend = Was brauchen Sie?
signup-needs-hint = Sagen Sie uns, was Ihnen hilft. Alles ist freiwillig.
field-signup-childcare = Ich brauche Kinderbetreuung
field-signup-children = Wie viele Kinder?
field-signup-children-ages = Wie alt sind die Kinder?
field-signup-children-ages-hint = Zum Beispiel: 3 und 7
field-signup-interpreter = Ich brauche Dolmetschen in
field-signup-interpreter-none = Kein Dolmetschen nötig
field-signup-step-free = Ich brauche einen Zugang ohne Stufen
field-signup-note = Sonst noch etwas?
field-signup-note-hint = Zum Beispiel: Ich esse kein Fleisch.

signup-page-title = Ihre Anmeldung
signup-created = Sie sind angemeldet. Wir freuen uns auf Sie!
signup-waitlisted = Die Werkstatt ist voll. Sie stehen auf der Warteliste. Wird ein Platz frei, rücken Sie automatisch nach.
signup-saved = Ihre Änderungen sind gespeichert.
signup-cancelled = Ihre Anmeldung ist abgesagt.
signup-is-cancelled = Diese Anmeldung ist abgesagt.
signup-code-heading = Ihre Anmeldenummer
signup-code-hint = Nennen Sie diese Nummer, wenn Sie anrufen oder vor Ort ankommen.
signup-status-label = Stand:
signup-status-confirmed = Angemeldet
signup-status-waitlisted = Auf der Warteliste
signup-status-cancelled = Abgesagt
signup-waitlist-hint = Wird ein Platz frei, rücken Sie automatisch nach.
signup-link-label = Ihr persönlicher Link:
signup-link-hint-mail = Wir haben Ihnen den Link auch per E-Mail geschickt. Mit dem Link können Sie Ihre Anmeldung ansehen, ändern oder absagen.
signup-link-hint-save = Speichern Sie diesen Link oder schreiben Sie ihn auf. Mit dem Link können Sie Ihre Anmeldung ansehen, ändern oder absagen.
signup-workshop-link = Zur Werkstatt
signup-change-heading = Anmeldung ändern
signup-cancel-heading = Absagen
signup-cancel-text = Sie können doch nicht kommen? Dann sagen Sie bitte ab. So bekommt jemand von der Warteliste Ihren Platz.
signup-cancel-button = Anmeldung absagen
signup-link-invalid-title = Diesen Link kennen wir nicht
signup-link-invalid-text = Der Link ist falsch oder zu alt. Nach einer Werkstatt löschen wir die Anmeldungen nach einiger Zeit. Bei Fragen rufen Sie die Stadt an.
signup-link-invalid-home = Zur Startseite
signup-source-online = online
signup-source-staff = von Mitarbeitenden eingetragen

error-signup-name-missing = Bitte geben Sie einen Namen an. Ein Vorname reicht.
error-signup-name-long = Der Name ist zu lang.
error-signup-people = Bitte geben Sie an, wie viele Personen kommen (mindestens 1).
error-signup-people-limit = So viele Personen gehen mit einer Anmeldung nicht. Bitte melden Sie weitere Personen extra an.
error-signup-children = Bitte geben Sie an, wie viele Kinder betreut werden sollen (1 bis 12).
error-signup-ages-long = Die Angabe zum Alter ist zu lang.
error-signup-language = Diese Sprache bieten wir hier leider nicht an.
error-signup-note-long = Der Text ist zu lang (höchstens 1000 Zeichen).
error-signup-not-waitlisted = Diese Anmeldung steht nicht (mehr) auf der Warteliste.
error-signup-not-confirmed = Diese Anmeldung ist nicht bestätigt oder schon abgesagt.
error-signup-already-checked-in = Diese Anmeldung ist schon als anwesend eingetragen.
error-signup-code-unknown = Diese Anmeldenummer gibt es bei dieser Werkstatt nicht.
error-workshop-not-open = Für diese Werkstatt kann man sich gerade nicht anmelden.
error-workshop-cancelled = Diese Werkstatt ist abgesagt. Eine Anmeldung ist nicht mehr möglich.
error-workshop-deadline-passed = Die Anmeldefrist ist vorbei. Rufen Sie gern an – vielleicht ist noch etwas frei.
error-workshop-no-room = Dafür sind nicht genug Plätze frei.
error-workshop-not-held = Das geht erst, wenn die Werkstatt stattgefunden hat.
error-workshop-not-started = Die Werkstatt hat noch nicht begonnen.
error-workshop-wrong-state = Das geht in diesem Stand der Werkstatt nicht (mehr). Die Seite zeigt den aktuellen Stand.
error-workshop-capacity-below = Es sind schon mehr Personen angemeldet. Die Plätze können nicht weniger sein.
error-workshop-title-missing = Bitte geben Sie einen Titel an.
error-workshop-title-long = Der Titel ist zu lang (höchstens 200 Zeichen).
error-workshop-text-long = Der Text ist zu lang.
error-workshop-short-long = Die Angabe ist zu lang (höchstens 200 Zeichen).
error-workshop-date = Bitte geben Sie ein Datum an, zum Beispiel 03.12.2026.
error-workshop-time = Bitte geben Sie eine Uhrzeit an, zum Beispiel 18:00.
error-workshop-end-before-start = Das Ende muss nach dem Beginn liegen.
error-workshop-deadline-after = Die Anmeldefrist darf nicht nach der Werkstatt liegen.
error-workshop-address-missing = Bitte geben Sie die Adresse an.
error-workshop-capacity = Bitte geben Sie die Zahl der Plätze an (1 bis 10000).
error-workshop-per-signup = Bitte geben Sie eine Zahl von 1 bis 20 an.
error-workshop-languages = Höchstens 12 Sprachen, jede höchstens 60 Zeichen.
error-workshop-goals-foreign = Bitte wählen Sie nur Ziele aus der Strategie dieser Kommune.

manage-workshops-title = Werkstätten
manage-workshops-back = Zurück zur Runde „{ $round }“
manage-workshops-back-list = Zurück zu den Werkstätten der Runde
manage-workshops-status = Stand
manage-workshops-places = Plätze
manage-workshops-occupancy = { $confirmed } von { $capacity } belegt, { $waitlisted } auf der Warteliste
manage-workshops-empty = Diese Runde hat noch keine Werkstatt.
workshop-new-title = Neue Werkstatt
workshop-edit-title = Werkstatt bearbeiten
workshop-created = Die Werkstatt ist angelegt. Sie ist noch ein Entwurf.
workshop-saved = Die Werkstatt ist gespeichert.
workshop-published = Die Werkstatt ist veröffentlicht. Jetzt kann man sich anmelden.
workshop-cancelled = Die Werkstatt ist abgesagt. Alle Angemeldeten mit E-Mail-Adresse bekommen Bescheid.
workshop-marked-held = Die Werkstatt ist als stattgefunden eingetragen.
workshop-documented = Die Dokumentation ist gespeichert.
workshop-lifecycle-heading = Stand und Aktionen
workshop-lifecycle-status = Stand
workshop-public-page = Öffentliche Seite
workshop-publish-button = Veröffentlichen
workshop-held-button = Hat stattgefunden
workshop-cancel-hint = Alle Angemeldeten mit E-Mail-Adresse bekommen eine Nachricht. Angemeldete ohne E-Mail bitte anrufen.
workshop-cancel-button = Werkstatt absagen
workshop-documentation-heading = Dokumentation
field-workshop-documentation = Was ist herausgekommen?
field-workshop-documentation-hint = In einfacher Sprache. Sie können Markdown nutzen. Das steht auf der Seite der Runde und bei jedem gewählten Ziel.
field-workshop-goals = In welche Ziele fließt das Ergebnis ein?
workshop-no-goals = Die Strategie hat noch keine Ziele.
workshop-documentation-button = Dokumentation speichern
workshop-form-about = Worum geht es?
workshop-form-time = Wann?
workshop-form-time-hint = Uhrzeiten gelten in der Zeitzone der Kommune.
workshop-form-place = Wo?
workshop-form-places = Plätze und Angebote
workshop-save-button = Speichern
field-workshop-title = Titel
field-workshop-description = Beschreibung
field-workshop-description-hint = In einfacher Sprache. Sie können Markdown nutzen.
field-workshop-date = Datum
field-workshop-starts = Beginn (Uhrzeit)
field-workshop-ends = Ende (Uhrzeit)
field-workshop-deadline = Anmelden bis (Datum)
field-workshop-deadline-hint = Bis zum Ende dieses Tages, höchstens bis zum Beginn.
field-workshop-address = Adresse
field-workshop-room = Raum
field-workshop-transit = Anfahrt mit Bus und Bahn
field-workshop-transit-hint = Zum Beispiel: Bus 12 bis Haltestelle Rathaus, dann 2 Minuten zu Fuß.
field-workshop-capacity = Plätze (Personen)
field-workshop-max-per-signup = Höchstens Personen je Anmeldung
field-workshop-max-per-signup-hint = Zum Beispiel 4 für eine Familie.
field-workshop-offers = Was gibt es vor Ort?
field-workshop-languages = Dolmetschen in diesen Sprachen
field-workshop-languages-hint = Mit Komma getrennt, zum Beispiel: Arabisch, Türkisch, Ukrainisch. Leer lassen, wenn es kein Dolmetschen gibt.

manage-signups-title = Anmeldungen
manage-signups-link = Anmeldungen
manage-signups-back = Zurück zur Werkstatt
manage-signups-back-list = Zurück zu den Anmeldungen
manage-signups-summary = Überblick
manage-signups-confirmed = Angemeldet
manage-signups-confirmed-value = { $confirmed } von { $capacity } Plätzen belegt, { $free } frei
manage-signups-waitlisted = Personen auf der Warteliste
manage-signups-attended = Personen anwesend
manage-needs-childcare = Kinderbetreuung
manage-needs-childcare-value = { $signups } Anmeldungen mit zusammen { $children } Kindern
manage-needs-step-free = Zugang ohne Stufen nötig
manage-needs-interpreter = Dolmetschen
manage-needs-none = keins
manage-needs-no-contact = Ohne E-Mail und Telefon
manage-signups-export = Als CSV herunterladen
manage-signups-attendance = Anwesenheitsliste zum Drucken
manage-checkin-heading = Ankunft eintragen
field-checkin-code = Anmeldenummer
manage-checkin-button = Als anwesend eintragen
manage-checkin-row-button = Ist da
manage-promote-button = Von der Warteliste nachrücken lassen
manage-signups-list = Alle Anmeldungen
manage-signups-who = Wer
manage-signups-needs = Bedarf
manage-signups-status = Stand
manage-signups-code = Nr.
manage-signups-deleted = Daten gelöscht
manage-signups-children = { $count ->
    [one] 1 Kind
   *[other] { $count } Kinder
}
manage-signups-interpreter = Dolmetschen: { $language }
manage-signups-step-free = ohne Stufen
manage-signups-checked-in = anwesend
manage-signups-empty = Noch keine Anmeldungen.
manage-signups-add-heading = Anmeldung eintragen
manage-signups-add-hint = Für Anmeldungen am Telefon oder vor Ort. Die Anmeldefrist gilt hier nicht.
signup-add-button = Anmeldung eintragen
signup-added = Die Anmeldung ist eingetragen.
signup-added-waitlist = Die Werkstatt ist voll. Die Anmeldung steht auf der Warteliste.
signup-checked-in = Als anwesend eingetragen.
signup-promoted = Die Anmeldung ist von der Warteliste nachgerückt.
attendance-title = Anwesenheitsliste
attendance-print-hint = Drucken Sie diese Seite mit der Druckfunktion Ihres Browsers.
attendance-here = Da

csv-seq = Nr
csv-code = Anmeldenummer
csv-status = Stand
csv-name = Name
csv-email = E-Mail
csv-phone = Telefon
csv-people = Personen
csv-children = Kinder
csv-children-ages = Alter der Kinder
csv-interpreter = Dolmetschen
csv-step-free = Ohne Stufen
csv-note = Hinweis
csv-source = Quelle
csv-checked-in = Anwesend
csv-created = Angemeldet am
csv-yes = ja

mail-workshop-greeting = Hallo { $name },
mail-workshop-code = Ihre Anmeldenummer: { $code }
mail-workshop-waitlisted = Die Werkstatt ist im Moment voll. Sie stehen auf der Warteliste. Wird ein Platz frei, rücken Sie automatisch nach und bekommen eine E-Mail.
mail-workshop-ics = Im Anhang finden Sie einen Kalender-Eintrag.
mail-workshop-link-hint = Mit diesem Link können Sie Ihre Anmeldung ansehen, ändern oder absagen:
mail-workshop_signup-subject = Ihre Anmeldung zur Werkstatt
mail-workshop_signup-text = danke für Ihre Anmeldung.
mail-workshop_signup-button = Anmeldung ansehen
mail-workshop_promoted-subject = Ein Platz ist frei geworden – Sie sind dabei
mail-workshop_promoted-text = gute Nachricht: Ein Platz ist frei geworden. Sie sind jetzt fest angemeldet.
mail-workshop_promoted-button = Zur Werkstatt
mail-workshop_cancelled-subject = Die Werkstatt ist abgesagt
mail-workshop_cancelled-text = leider müssen wir diese Werkstatt absagen. Sie findet nicht statt. Es tut uns leid.
mail-workshop_cancelled-button = Zur Werkstatt
mail-workshop_reminder-subject = Erinnerung: Ihre Werkstatt ist morgen
mail-workshop_reminder-text = wir erinnern Sie an die Werkstatt. Wir freuen uns auf Sie!
mail-workshop_reminder-button = Zur Werkstatt
csv-file-signups = Anmeldungen
manage-cancel-title = Anmeldung absagen
manage-cancel-back = Zurück zu den Anmeldungen
manage-cancel-people = Personen
manage-cancel-text = Die Plätze werden frei. Wer auf der Warteliste steht und hineinpasst, rückt sofort nach und bekommt eine E-Mail.
manage-cancel-text-waitlisted = Die Anmeldung wird von der Warteliste genommen.
manage-cancel-mail = Die Person bekommt eine E-Mail, dass ihre Anmeldung abgesagt ist.
manage-cancel-no-mail = Die Person hat keine E-Mail-Adresse angegeben. Bitte sagen Sie ihr selbst, dass die Anmeldung abgesagt ist.
manage-cancel-button = Ja, Anmeldung absagen
manage-cancel-keep = Nein, zurück
manage-cancel-row-link = Absagen
signup-cancelled-by-staff = Die Anmeldung ist abgesagt.
signup-error-not-cancellable = Diese Anmeldung lässt sich nicht mehr absagen.
mail-workshop_signup_cancelled-subject = Ihre Anmeldung ist abgesagt
mail-workshop_signup_cancelled-text = auf Ihren Wunsch haben wir Ihre Anmeldung für diese Werkstatt abgesagt.
mail-workshop_signup_cancelled-again = War das ein Irrtum? Dann melden Sie sich einfach neu an, solange Plätze frei sind.

# Eigene Anmeldung: Warteliste ohne E-Mail, Absagen mit Rückfrage
signup-waitlist-mail = Rücken Sie nach, schreiben wir Ihnen eine E-Mail.
signup-waitlist-look = Wir können Ihnen nicht Bescheid sagen, wenn Sie nachrücken: Sie haben keine E-Mail-Adresse angegeben. Schauen Sie vor der Werkstatt unter Ihrem persönlichen Link nach. Dort steht, ob Sie einen Platz haben.
signup-waitlist-call = Oder rufen Sie an unter { $phone } und nennen Sie Ihre Anmeldenummer { $code }.
signup-link-hint-cancelled = Diese Anmeldung ist abgesagt. Möchten Sie doch kommen? Dann melden Sie sich auf der Seite der Werkstatt neu an.
signup-cancel-link = Anmeldung absagen …
signup-cancel-confirm-title = Anmeldung wirklich absagen?
signup-cancel-confirm-text = Sie sagen diese Anmeldung ab:
signup-cancel-workshop = Werkstatt
signup-cancel-confirm-place = Ihr Platz geht dann an die nächste Person auf der Warteliste. Sie können das nicht rückgängig machen.
signup-cancel-confirm-waitlist = Sie stehen dann nicht mehr auf der Warteliste. Sie können das nicht rückgängig machen.
signup-cancel-keep = Nein, zurück zu meiner Anmeldung

# Anwesenheitsliste: Spalten, Summen, Zeilen für Menschen ohne Anmeldung
attendance-number = Nr.
attendance-name = Name
attendance-people = Personen
attendance-people-heading = { $people ->
    [one] 1 Person
   *[other] { $people } Personen
} angemeldet ({ $signups ->
    [one] 1 Anmeldung
   *[other] { $signups } Anmeldungen
})
attendance-waiting-heading = { $people ->
    [one] 1 Person
   *[other] { $people } Personen
} auf der Warteliste
attendance-total = Zusammen
attendance-total-signups = { $count ->
    [one] 1 Anmeldung
   *[other] { $count } Anmeldungen
}
attendance-total-needs-none = kein besonderer Bedarf
attendance-walk-ins = Ohne Anmeldung gekommen
attendance-walk-ins-hint = Tragen Sie hier ein, wer ohne Anmeldung kommt.
