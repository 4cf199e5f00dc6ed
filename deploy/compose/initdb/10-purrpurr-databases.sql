-- Runs once, when the postgres container initialises an empty data volume (as POSTGRES_USER).
-- One database per service, as in production; each service creates its own schema and tables at start.
CREATE DATABASE purrpurr_router;
CREATE DATABASE purrpurr_identity;
CREATE DATABASE purrpurr_comms;
CREATE DATABASE purrpurr_vault;
CREATE DATABASE purrpurr_billing;
