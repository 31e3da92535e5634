"""The reporting service's tables (idempotent DDL) and what its role may do with them.

The owner makes them (`python -m services.reporting migrate`; on start where the service's
role owns the database). The statements use unqualified names, so a rebuild creates the
same tables in a schema of its own (search_path) before it switches them in.
"""

from shared import parking
from shared.consumer import SCHEMA as CONSUMER_SCHEMA
from shared.database import APPEND, READ_WRITE, Access, Schema

# The read models a rebuild replaces (the consumer's own tables stay).
MODELS = ("audit_log", "programme_view", "region_view", "region_allocation", "project_view")

TABLES = """
CREATE TABLE IF NOT EXISTS audit_log (
    event_id       uuid PRIMARY KEY,
    type           text        NOT NULL,
    source         text        NOT NULL,
    subject        text        NOT NULL,
    aggregate_id   text        NOT NULL,
    sequence       int         NOT NULL,
    time           timestamptz NOT NULL,
    actor_role     text,
    actor_subject  text,  -- the person: in events before v2 only (auditors read it)
    correlation_id text,
    causation_id   text,
    data           jsonb       NOT NULL,
    recorded_at    timestamptz NOT NULL DEFAULT now()
);


CREATE TABLE IF NOT EXISTS region_view (
    region_id     text PRIMARY KEY,
    name          text        NOT NULL,
    arl           text        NOT NULL,
    recognised_on date,
    recognised_at timestamptz NOT NULL,
    recognised_by text        NOT NULL,
    announced_budget_cents bigint,
    handlungsfelder text[]    NOT NULL DEFAULT '{}',
    category      text        NOT NULL DEFAULT 'more_developed'
);

ALTER TABLE audit_log ADD COLUMN IF NOT EXISTS actor_organisation text;
-- Where the event was read, and its link in that partition's hash chain (shared/chain.py).
ALTER TABLE audit_log ADD COLUMN IF NOT EXISTS topic text;
ALTER TABLE audit_log ADD COLUMN IF NOT EXISTS partition int;
ALTER TABLE audit_log ADD COLUMN IF NOT EXISTS "offset" bigint;
ALTER TABLE audit_log ADD COLUMN IF NOT EXISTS chain_hash bytea;
ALTER TABLE region_view ADD COLUMN IF NOT EXISTS announced_budget_cents bigint;
ALTER TABLE region_view ADD COLUMN IF NOT EXISTS handlungsfelder text[] NOT NULL DEFAULT '{}';
ALTER TABLE region_view ADD COLUMN IF NOT EXISTS category text NOT NULL DEFAULT 'more_developed';
-- The regional management's grants, summed: the EU's part (out of the envelope), the Land's.
ALTER TABLE region_view ADD COLUMN IF NOT EXISTS rm_eu_cents bigint NOT NULL DEFAULT 0;
ALTER TABLE region_view ADD COLUMN IF NOT EXISTS rm_land_cents bigint NOT NULL DEFAULT 0;

CREATE TABLE IF NOT EXISTS programme_view (
    programme_id   text PRIMARY KEY,
    name           text   NOT NULL,
    envelope_cents bigint NOT NULL
);

CREATE TABLE IF NOT EXISTS region_allocation (
    region_id       text   NOT NULL,
    fund            text   NOT NULL,
    allocated_cents bigint NOT NULL,
    PRIMARY KEY (region_id, fund)
);

CREATE TABLE IF NOT EXISTS project_view (
    project_id          uuid PRIMARY KEY,
    operation_code      text   NOT NULL UNIQUE,
    region_id           text   NOT NULL,
    title               text   NOT NULL,
    purpose             text   NOT NULL,
    applicant_name      text   NOT NULL,
    applicant_kind      text   NOT NULL,
    handlungsfeld       text   NOT NULL,
    fund                text   NOT NULL,
    location_ags        text   NOT NULL,
    category            text   NOT NULL,
    kind                text   NOT NULL,
    start_date          date   NOT NULL,
    end_date            date   NOT NULL,
    total_cost_cents    bigint NOT NULL,
    eligible_cost_cents bigint NOT NULL,
    planned_grant_cents bigint NOT NULL,
    stage               text   NOT NULL,
    committed_cents     bigint NOT NULL DEFAULT 0,
    requested_cents     bigint NOT NULL DEFAULT 0,
    declared_expenditure_cents bigint NOT NULL DEFAULT 0,
    disbursed_cents     bigint NOT NULL DEFAULT 0,
    released_cents      bigint NOT NULL DEFAULT 0,
    recovered_cents     bigint NOT NULL DEFAULT 0,
    eligible_expenditure_cents bigint,
    proposed_at         timestamptz NOT NULL,
    selected_at         timestamptz,
    updated_at          timestamptz NOT NULL
);
CREATE INDEX IF NOT EXISTS project_view_region ON project_view (region_id, fund, stage);
-- The proof of use's reconciliation: the final grant, and what of a recovery claim is open.
ALTER TABLE project_view ADD COLUMN IF NOT EXISTS final_grant_cents bigint;
ALTER TABLE project_view ADD COLUMN IF NOT EXISTS open_claim_cents bigint NOT NULL DEFAULT 0;

DROP TABLE IF EXISTS arl_overview;  -- now a query over region_view
"""

# The audit log's secondary indexes: a rebuild creates them after its bulk load (faster
# than keeping them up to date row by row).
INDEXES = """
CREATE INDEX IF NOT EXISTS audit_log_aggregate ON audit_log (aggregate_id, sequence);
CREATE INDEX IF NOT EXISTS audit_log_time ON audit_log (time);
-- The chains, partition by partition (the consumer reads each head; verify walks them).
CREATE INDEX IF NOT EXISTS audit_log_chain ON audit_log (topic, partition, "offset");
-- "As of" for one region folds that region's events.
CREATE INDEX IF NOT EXISTS audit_log_region ON audit_log ((data->>'region_id'), time);
"""

SCHEMA = TABLES + INDEXES

READ_MODELS = ("programme_view", "region_view", "region_allocation", "project_view")
# What the service's role may do: append to the audit log (which refuses UPDATE, DELETE and
# TRUNCATE by triggers of its owner), keep the read models and the consumer's bookkeeping.
ACCESS = Access(
    {
        "audit_log": APPEND,
        **dict.fromkeys(READ_MODELS, READ_WRITE),
        "consumer_offsets": ("SELECT", "INSERT", "UPDATE"),
        "consumer_seen_events": APPEND,
        "consumer_parked": APPEND,
        **parking.ACCESS,
    },
    append_only=("audit_log",),
)
DATABASE = Schema(ddl=(SCHEMA, CONSUMER_SCHEMA, parking.REPLAYED), access=ACCESS)
