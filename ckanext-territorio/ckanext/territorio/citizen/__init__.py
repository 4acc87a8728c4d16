"""The citizen channel's engine: data requests and reports on published data.

Pure rules (``status``, ``text``) know nothing of CKAN; ``store`` reads and writes the
tables of model/citizen.py, ``notify`` mails the publishers. The actions in
logic/action/citizen.py are thin adapters over these.
"""
