"""DCAT (ckanext-dcat) mapping of the territorial fields and the framework's SKOS scheme."""
