"""Sensor readings as time series: the observations table's layout, queries and live feed.

An engine: plain Python and SQL over the DataStore, no Flask and no action layer.
``layout`` is public (the harvesters write the tables it describes); ``readings``,
``latest`` and ``live`` answer the ``territorio_readings`` / ``territorio_latest`` actions
and the Server-Sent Events stream.
"""
