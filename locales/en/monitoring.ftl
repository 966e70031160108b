## Monitoring: areas, indicators and their values (staff pages).

monitoring-decimal-separator = .
