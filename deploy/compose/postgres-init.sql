-- One database per service (docker-compose); deploy/postgres.sh does the same without Docker.
CREATE DATABASE zr_regions OWNER zr;
CREATE DATABASE zr_funding OWNER zr;
CREATE DATABASE zr_reporting OWNER zr;
