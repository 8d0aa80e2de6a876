-- The database and its two roles. Run once, as PostgreSQL's superuser:
--   sudo -u postgres psql -v db=care -v owner=care_owner -v app=care_app \
--        -v owner_password="$OWNER_PW" -v app_password="$APP_PW" -f deploy/postgres-roles.sql
-- owner: owns the schema and runs `python -m care migrate` (CARE_MIGRATE_DATABASE_URL).
-- app:   what the app connects as (DATABASE_URL): rows only, no DDL, the audit log INSERT and
--        SELECT only. `python -m care migrate` grants its table rights (CARE_APP_ROLE).
\set ON_ERROR_STOP on
CREATE ROLE :"owner" LOGIN PASSWORD :'owner_password';
CREATE ROLE :"app" LOGIN PASSWORD :'app_password' NOSUPERUSER NOCREATEDB NOCREATEROLE;
CREATE DATABASE :"db" OWNER :"owner";
REVOKE ALL ON DATABASE :"db" FROM PUBLIC;
GRANT CONNECT, TEMPORARY ON DATABASE :"db" TO :"owner";
GRANT CONNECT ON DATABASE :"db" TO :"app";
\connect :"db"
ALTER SCHEMA public OWNER TO :"owner";
REVOKE ALL ON SCHEMA public FROM PUBLIC;
GRANT USAGE ON SCHEMA public TO :"app";
-- The restore drill's scratch database (CARE_DRILL_DATABASE_URL): the owner restores into it
-- and empties it again; the app role cannot connect.
\connect postgres
\set drill :db _drill
CREATE DATABASE :"drill" OWNER :"owner";
REVOKE ALL ON DATABASE :"drill" FROM PUBLIC;
