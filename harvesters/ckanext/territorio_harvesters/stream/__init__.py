"""Push ingest from MQTT brokers: the ``mqtt`` harvest source type and its stream consumer.

- ``messages``: the three message formats as readings (pure functions);
- ``broker``: a source's broker address, checked by the portal's address guard;
- ``catalogs``: the stations and series an MQTT source has named so far;
- ``plugin``: the ``territorio_mqtt`` harvester plugin (source type, config, url checks);
- ``datasets``: the source × family datasets, made by the sensor harvester's own stages;
- ``links``: one paho-mqtt connection per source (QoS 1, persistent session, manual acks);
- ``consumer``: ``ckan territorio stream run``, batches written with COPY, then acknowledged.
"""
