// Keeps sluice_parquet a valid target while its parts are added by subdirectories.
