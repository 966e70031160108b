# Startseite: Filter
home-filter-heading = Beteiligungen filtern
home-filter-municipality = Kommune
home-filter-all-municipalities = Alle Kommunen
home-filter-group = Für wen
home-filter-all-groups = Alle Zielgruppen
home-filter-button = Anzeigen
home-filter-reset = Filter zurücksetzen
home-empty-filtered = Zu dieser Auswahl gibt es keine Beteiligung. Setzen Sie den Filter zurück, um alle zu sehen.
home-subscribe-link = Per E-Mail erfahren, wenn eine neue Beteiligung beginnt

# Status einer Runde
round-status-draft = Entwurf
round-status-scheduled = Entwurf, startet automatisch
round-status-open = Läuft – machen Sie mit
round-status-closed = Beendet
round-status-evaluated = Ergebnis liegt vor
round-period = { $start } bis { $end }
round-target-groups = Für

# Öffentliche Seite einer Runde
round-preview-note = Vorschau: So sehen Bürgerinnen und Bürger diese Seite nach der Veröffentlichung.
round-preview-back = Zurück zum Bearbeiten
round-evaluation-heading = Was aus Ihrer Beteiligung wurde
round-about-heading = Worum es geht
round-take-part-heading = So machen Sie mit
round-online-heading = Im Internet
round-modules-empty-open = Die Angebote zum Mitmachen im Internet (Umfragen, Ideen, Werkstätten) kommen bald. Sie können sich schon jetzt bei der Ansprechperson melden.
round-modules-empty = Zu dieser Beteiligung gibt es keine Angebote im Internet.
round-offline-heading = Persönlich oder am Telefon
round-offline-text = Sie haben kein Internet oder möchten lieber sprechen? Melden Sie sich hier:
round-contact-name = Ansprechperson
round-contact-phone = Telefon
round-contact-email = E-Mail
round-contact-address = Adresse und Zeiten
round-goals-heading = Dazu trägt Ihre Beteiligung bei
round-goals-intro = Ihre Antworten und Ideen fließen in diese Ziele der Strategie gegen Armut ein:
round-strategy-link = Die ganze Strategie von { $municipality } ansehen
round-subscribe-link = Per E-Mail erfahren, wenn { $municipality } eine neue Beteiligung startet

# Abonnieren
subscribe-title = Über neue Beteiligungen informiert werden
subscribe-intro = Wir schreiben Ihnen eine kurze E-Mail, wenn Ihre Kommune eine neue Beteiligung startet. Sie brauchen dafür kein Konto.
subscribe-municipality = Ihre Kommune
subscribe-municipality-choose = Bitte wählen
subscribe-email = Ihre E-Mail-Adresse
subscribe-email-hint = Sie bekommen zuerst eine E-Mail mit einem Link. Erst wenn Sie darauf klicken, schreiben wir Ihnen.
subscribe-privacy = Wir speichern nur Ihre E-Mail-Adresse und Ihre Sprache, nur für diese Nachrichten. In jeder E-Mail steht ein Link zum Abmelden; dann löschen wir die Adresse sofort aus der Liste. Schon verschickte E-Mails löschen wir nach 30 Tagen.
subscribe-button = Benachrichtigen lassen
subscribe-sent-title = Bitte schauen Sie in Ihr Postfach
subscribe-sent-text = Wir haben Ihnen eine E-Mail geschickt. Bitte klicken Sie auf den Link darin, um die Anmeldung zu bestätigen. Kommt keine E-Mail? Schauen Sie auch im Spam-Ordner nach.
subscription-confirm-title = Anmeldung bestätigen
subscription-confirm-text = Möchten Sie per E-Mail erfahren, wenn { $municipality } eine neue Beteiligung startet?
subscription-confirm-button = Ja, bestätigen
subscription-confirmed-title = Anmeldung bestätigt
subscription-confirmed-text = Danke! Wir schreiben Ihnen, sobald eine neue Beteiligung startet. In jeder E-Mail finden Sie einen Link zum Abmelden.
unsubscribe-title = Abmelden
unsubscribe-text = Möchten Sie keine E-Mails über neue Beteiligungen in { $municipality } mehr bekommen?
unsubscribe-button = Ja, abmelden
unsubscribed-title = Sie sind abgemeldet
unsubscribed-text = Sie bekommen keine E-Mails mehr über neue Beteiligungen. Wir haben Ihre E-Mail-Adresse aus der Liste gelöscht.
subscription-link-invalid-title = Dieser Link gilt nicht mehr
subscription-link-invalid-text = Der Link ist abgelaufen oder unvollständig. Sie können sich einfach noch einmal anmelden.

# Verwaltung: Runden
manage-rounds-title = Beteiligungsrunden
manage-rounds-filter = Nach Status filtern
manage-rounds-all = Alle
manage-rounds-status = Status
manage-rounds-period = Zeitraum
manage-rounds-goals = Ziele
manage-rounds-empty = Hier gibt es noch keine Beteiligungsrunde.
manage-rounds-back = Zurück zu allen Beteiligungsrunden
round-new-title = Neue Beteiligungsrunde
round-edit-title = Beteiligungsrunde bearbeiten
round-choose-municipality = Für welche Kommune ist die Beteiligungsrunde?
round-no-municipality = Sie koordinieren keine Kommune.
round-preview = Vorschau
round-public-page = Öffentliche Seite
round-lifecycle-heading = Veröffentlichung
round-lifecycle-status = Stand
round-publish-button = Jetzt veröffentlichen
round-schedule-button = Freigeben – startet automatisch
round-publish-later-hint = Der Zeitraum beginnt erst am { $date }. Nach der Freigabe startet die Runde an diesem Tag von selbst.
round-scheduled-hint = Die Runde startet am { $date } von selbst.
round-unschedule-button = Freigabe zurücknehmen
round-close-button = Jetzt beenden
round-reopen-button = Wieder öffnen
round-evaluate-button = Ergebnis veröffentlichen
round-form-about = Worum es geht
round-form-period = Zeitraum
round-form-contact = Ansprechperson
round-form-contact-hint = Viele Menschen haben keine E-Mail. Geben Sie bitte eine Telefonnummer an, wenn es geht.
round-save-button = Speichern
round-no-goals = Die Strategie Ihrer Kommune hat noch keine Ziele.
round-no-goals-link = Ziele anlegen
goal-archived-marker = archiviert
field-round-title = Titel
field-round-slug-hint = Erscheint in der Adresse: /rounds/… Leer lassen, dann wird sie aus dem Titel gebildet.
field-round-slug-locked = nach der Veröffentlichung nicht mehr änderbar
field-round-summary = Kurzbeschreibung in einfacher Sprache
field-round-summary-hint = Zwei, drei kurze Sätze: Worum geht es, wer soll mitmachen? Höchstens 600 Zeichen.
field-round-description = Ausführliche Beschreibung
field-round-description-hint = Markdown ist möglich: **fett**, Listen mit „-“, Links als [Text](https://…).
field-round-target-groups = Zielgruppen
field-round-target-groups-hint = Mit Komma trennen, zum Beispiel: Alleinerziehende, Seniorinnen und Senioren
field-round-starts-on = Erster Tag
field-round-ends-on = Letzter Tag
field-date-hint = Zum Beispiel 01.12.2026
field-round-contact-name = Name oder Stelle
field-round-contact-phone = Telefon
field-round-contact-email = E-Mail
field-round-contact-address = Adresse und Sprechzeiten
field-round-contact-address-hint = Wo kann man persönlich vorbeikommen? Zum Beispiel: Rathaus, Zimmer 12, Mo–Do 9–12 Uhr
field-round-goals = Welchen Zielen dient die Runde?
field-round-evaluation = Was aus der Beteiligung wurde
field-round-evaluation-hint = Für alle sichtbar. Schreiben Sie in einfacher Sprache, was Sie mit den Beiträgen gemacht haben. Markdown ist möglich.

# Verwaltung: Meldungen
round-created = Die Beteiligungsrunde ist als Entwurf gespeichert.
round-saved = Die Änderungen sind gespeichert.
round-opened = Die Beteiligungsrunde ist veröffentlicht. Wer sich angemeldet hat, bekommt eine E-Mail.
round-scheduled = Die Runde ist freigegeben und startet am ersten Tag von selbst.
round-unscheduled = Die Freigabe ist zurückgenommen. Die Runde bleibt ein Entwurf.
round-closed = Die Beteiligungsrunde ist beendet.
round-reopened = Die Beteiligungsrunde ist wieder offen.
round-evaluated = Das Ergebnis ist veröffentlicht.

# Fehler
error-round-title-missing = Bitte geben Sie einen Titel ein.
error-round-title-long = Der Titel darf höchstens 200 Zeichen lang sein.
error-round-summary-missing = Bitte beschreiben Sie kurz, worum es geht.
error-round-summary-long = Die Kurzbeschreibung darf höchstens 600 Zeichen lang sein.
error-round-description-long = Die Beschreibung ist zu lang (höchstens 20.000 Zeichen).
error-round-target-groups = Bitte höchstens 12 Zielgruppen mit je höchstens 80 Zeichen.
error-round-date = Bitte geben Sie ein Datum ein, zum Beispiel 01.12.2026.
error-round-end-before-start = Der letzte Tag darf nicht vor dem ersten Tag liegen.
error-round-contact-name = Bitte nennen Sie eine Ansprechperson oder Stelle (höchstens 200 Zeichen).
error-round-contact-reach = Bitte geben Sie eine Telefonnummer oder eine E-Mail-Adresse an.
error-round-contact-address-long = Die Adresse ist zu lang (höchstens 2.000 Zeichen).
error-phone-invalid = Bitte geben Sie eine Telefonnummer mit Ziffern an, zum Beispiel 0721 133-5000.
error-round-goals-missing = Bitte wählen Sie mindestens ein Ziel.
error-round-goals-foreign = Bitte wählen Sie nur Ziele aus der Strategie dieser Kommune.
error-round-transition = Das geht im jetzigen Stand der Runde nicht.
error-round-period-over = Der Zeitraum ist schon vorbei. Bitte ändern Sie zuerst den letzten Tag.
error-round-evaluation-missing = Bitte schreiben Sie, was aus der Beteiligung wurde.
error-round-evaluation-long = Der Text ist zu lang (höchstens 20.000 Zeichen).
error-round-conflict = Jemand hat die Runde gerade geändert. Bitte prüfen Sie den Stand und versuchen Sie es noch einmal.
error-email-missing = Bitte geben Sie Ihre E-Mail-Adresse ein.
manage-coordination-heading = Koordination

# Verwaltung: Verlauf einer Runde
round-history-heading = Verlauf
round-history-automatic = automatisch
round-history-changed = Geändert: { $fields }
round-history-round-create = Angelegt
round-history-round-update = Bearbeitet
round-history-round-schedule = Freigegeben, startet automatisch
round-history-round-unschedule = Freigabe zurückgenommen
round-history-round-open = Veröffentlicht
round-history-round-close = Beendet
round-history-round-reopen = Wieder geöffnet
round-history-round-evaluate = Ergebnis veröffentlicht
home-nothing-published = Hier ist noch nichts veröffentlicht.
home-nothing-published-next = Die Beteiligungsplattform ist eingerichtet, aber noch hat keine Kommune eine Beteiligung veröffentlicht. Sobald es so weit ist, finden Sie sie hier.

# Seite einer Runde: Werkstätten vor Ort, beendete Runden
round-in-person-heading = Werkstätten vor Ort
round-workshop-cancelled = abgesagt
round-finished-heading = Ergebnisse
round-finished-text = Diese Beteiligung ist beendet. Mitmachen ist nicht mehr möglich. Hier sehen Sie, was dabei herausgekommen ist.
round-finished-pending = Die Antworten werden gerade ausgewertet. Die Ergebnisse erscheinen hier, sobald sie vorliegen.
round-finished-questions-heading = Fragen zu dieser Beteiligung?
round-outcome-survey = Ergebnisse der Umfrage „{ $title }“
round-outcome-board = Ideen und Antworten der Verwaltung: { $title }
