## Monitoring: areas, indicators and their values (staff pages).

monitoring-decimal-separator = .
monitoring-breadcrumb = Breadcrumb
monitoring-actions = Actions
monitoring-edit = Edit
monitoring-save = Save

## Areas
monitoring-areas-title = Areas
monitoring-areas-heading = Areas of { $municipality }
monitoring-areas-intro = The areas indicators are measured for: the town, its districts and quarters. Values of areas with fewer than { $minimum } inhabitants are never published.
monitoring-areas-list = Areas
monitoring-areas-empty = No areas yet.
monitoring-area-new = New area
monitoring-area-create = Add area
monitoring-area-edit-title = Edit area
monitoring-area-parent-none = – none (top level) –
monitoring-area-below-minimum = too few inhabitants — not public
monitoring-population-on = as of { $day }
monitoring-field-area-name = Name
monitoring-field-area-parent = Lies within
monitoring-field-population-legend = Population
monitoring-field-population-hint = Optional. With a population, please give the reference date too.
monitoring-field-population = Inhabitants
monitoring-field-population-on = Reference date
monitoring-area-delete-heading = Delete area
monitoring-area-delete-hint = An area can only be deleted while no values and no other areas refer to it.
monitoring-area-delete = Delete area
monitoring-area-created = The area has been added.
monitoring-area-saved = The area has been saved.
monitoring-area-deleted = The area has been deleted.
monitoring-error-area-name-missing = Please enter a name.
monitoring-error-area-name-too-long = The name may be at most 200 characters long.
monitoring-error-area-name-taken = This municipality already has an area with this name.
monitoring-error-area-parent-unknown = Please choose an area of this municipality.
monitoring-error-area-parent-cycle = An area cannot lie within itself or within one of its parts.
monitoring-error-population-invalid = Please enter the population as a whole number from 0, for example 1250.
monitoring-error-population-missing = Please enter the population for the reference date.
monitoring-error-population-on-invalid = Please enter the reference date as a date, for example 2024-12-31.
monitoring-error-population-on-missing = Please enter the reference date of the population.
monitoring-error-area-has-values = This area has values and so cannot be deleted. Delete its values first.
monitoring-error-area-has-children = Other areas lie within this area. Assign them elsewhere first.
monitoring-indicators-link = This municipality's indicators
