## Monitoring: areas, indicators and their values (staff pages).

monitoring-decimal-separator = ,
monitoring-breadcrumb = Brotkrumen
monitoring-actions = Aktionen
monitoring-edit = Bearbeiten
monitoring-save = Speichern

## Areas (Sozialräume)
monitoring-areas-title = Sozialräume
monitoring-areas-heading = Sozialräume von { $municipality }
monitoring-areas-intro = Die Gebiete, für die Kennzahlen erhoben werden: die Stadt, ihre Stadtteile und Quartiere. Werte von Gebieten mit weniger als { $minimum } Einwohnerinnen und Einwohnern werden nie veröffentlicht.
monitoring-areas-list = Sozialräume
monitoring-areas-empty = Noch keine Sozialräume angelegt.
monitoring-area-new = Neuer Sozialraum
monitoring-area-create = Sozialraum anlegen
monitoring-area-edit-title = Sozialraum bearbeiten
monitoring-area-parent-none = – keiner (oberste Ebene) –
monitoring-area-below-minimum = zu wenige Einwohner — nicht öffentlich
monitoring-population-on = Stand { $day }
monitoring-field-area-name = Name
monitoring-field-area-parent = Liegt in
monitoring-field-population-legend = Einwohnerzahl
monitoring-field-population-hint = Optional. Mit Einwohnerzahl bitte auch den Stichtag angeben.
monitoring-field-population = Einwohnerinnen und Einwohner
monitoring-field-population-on = Stichtag
monitoring-area-delete-heading = Sozialraum löschen
monitoring-area-delete-hint = Löschen geht nur, solange keine Werte und keine anderen Sozialräume auf diesen verweisen.
monitoring-area-delete = Sozialraum löschen
monitoring-area-created = Der Sozialraum ist angelegt.
monitoring-area-saved = Der Sozialraum ist gespeichert.
monitoring-area-deleted = Der Sozialraum ist gelöscht.
monitoring-error-area-name-missing = Bitte geben Sie einen Namen an.
monitoring-error-area-name-too-long = Der Name darf höchstens 200 Zeichen lang sein.
monitoring-error-area-name-taken = Einen Sozialraum mit diesem Namen gibt es in dieser Kommune schon.
monitoring-error-area-parent-unknown = Bitte wählen Sie einen Sozialraum dieser Kommune.
monitoring-error-area-parent-cycle = Ein Sozialraum kann nicht in sich selbst oder in einem seiner Teile liegen.
monitoring-error-population-invalid = Bitte geben Sie die Einwohnerzahl als ganze Zahl ab 0 an, zum Beispiel 1250.
monitoring-error-population-missing = Bitte geben Sie zum Stichtag auch die Einwohnerzahl an.
monitoring-error-population-on-invalid = Bitte geben Sie den Stichtag als Datum an, zum Beispiel 31.12.2024.
monitoring-error-population-on-missing = Bitte geben Sie den Stichtag der Einwohnerzahl an.
monitoring-error-area-has-values = Dieser Sozialraum hat Werte und kann deshalb nicht gelöscht werden. Löschen Sie zuerst seine Werte.
monitoring-error-area-has-children = In diesem Sozialraum liegen andere Sozialräume. Ordnen Sie diese zuerst anders zu.
monitoring-indicators-link = Kennzahlen dieser Kommune
