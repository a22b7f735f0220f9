// Keeps sluice_mysql a valid target while its parts are added.
