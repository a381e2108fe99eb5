-- SessionGrains on PostgreSQL: the tables of Orleans' ADO.NET grain storage, reminders and clustering, the session
-- expiry index, and the statements Orleans' providers read from OrleansQuery (QueryKey -> QueryText; parameters are
-- @Name, result columns are named as the providers read them). Applied by SessionDatabaseSchema.ApplyAsync in one
-- transaction under an advisory lock: every statement is idempotent, so running it again (or concurrently) changes
-- nothing but the query texts.

SELECT pg_advisory_xact_lock(7239114501337);

CREATE TABLE IF NOT EXISTS OrleansQuery
(
    QueryKey varchar(64) PRIMARY KEY,
    QueryText text NOT NULL
);

-- Grain storage: one row per grain state. The version is the ETag; every write names the version it read, so a stale
-- writer matches no row and the provider raises InconsistentStateException.
CREATE TABLE IF NOT EXISTS sessiongrains_storage
(
    service_id text NOT NULL,
    grain_type text NOT NULL,
    grain_id_n0 bigint NOT NULL,
    grain_id_n1 bigint NOT NULL,
    grain_key text NOT NULL, -- the string key, or the key extension ('' when none)
    payload bytea,
    version integer NOT NULL,
    modified_on timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (service_id, grain_type, grain_id_n0, grain_id_n1, grain_key)
);

-- Reminders: one row per grain and reminder name; grain_hash places it in a silo's ring range.
CREATE TABLE IF NOT EXISTS sessiongrains_reminders
(
    service_id text NOT NULL,
    grain_id text NOT NULL,
    reminder_name text NOT NULL,
    start_time timestamptz NOT NULL,
    period_ms bigint NOT NULL,
    grain_hash integer NOT NULL,
    version integer NOT NULL,
    PRIMARY KEY (service_id, grain_id, reminder_name)
);

CREATE INDEX IF NOT EXISTS sessiongrains_reminders_by_hash ON sessiongrains_reminders (service_id, grain_hash);

-- The session expiry index (SessionGrains' own, not Orleans'): one row per stored session or user index, read by due
-- time one kind and shard at a time by that shard's sweeper. Keyed by the grain alone, so a move is one upsert.
CREATE TABLE IF NOT EXISTS sessiongrains_expiry
(
    due_at timestamptz NOT NULL,
    shard integer NOT NULL,
    kind smallint NOT NULL, -- SessionExpiryEntryKind: 0 session, 1 user index
    service_id text NOT NULL,
    grain_key text NOT NULL,
    PRIMARY KEY (service_id, kind, grain_key)
);

CREATE INDEX IF NOT EXISTS sessiongrains_expiry_by_due_time ON sessiongrains_expiry (service_id, kind, shard, due_at);

-- Clustering: one version row per cluster, bumped by every membership change that names the current version.
CREATE TABLE IF NOT EXISTS sessiongrains_membership_version
(
    deployment_id text PRIMARY KEY,
    version integer NOT NULL DEFAULT 0,
    changed_on timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE IF NOT EXISTS sessiongrains_membership
(
    deployment_id text NOT NULL REFERENCES sessiongrains_membership_version (deployment_id) ON DELETE CASCADE,
    address text NOT NULL,
    port integer NOT NULL,
    generation integer NOT NULL,
    silo_name text NOT NULL,
    host_name text NOT NULL,
    status integer NOT NULL,
    proxy_port integer NOT NULL,
    suspect_times text,
    start_time timestamptz NOT NULL,
    i_am_alive_time timestamptz NOT NULL,
    PRIMARY KEY (deployment_id, address, port, generation)
);

INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES

-- Grain storage. The hash parameters (@GrainIdHash, @GrainTypeHash) are not needed: the key columns identify the row.
('ReadFromStorageKey', $q$
SELECT payload AS "PayloadBinary", version AS "Version"
FROM sessiongrains_storage
WHERE service_id = @ServiceId AND grain_type = @GrainTypeString AND grain_id_n0 = @GrainIdN0
  AND grain_id_n1 = @GrainIdN1 AND grain_key = coalesce(@GrainIdExtensionString, '')
$q$),

('WriteToStorageKey', $q$
WITH updated AS (
    UPDATE sessiongrains_storage
    SET payload = @PayloadBinary, version = version + 1, modified_on = now()
    WHERE @GrainStateVersion IS NOT NULL AND version = @GrainStateVersion
      AND service_id = @ServiceId AND grain_type = @GrainTypeString AND grain_id_n0 = @GrainIdN0
      AND grain_id_n1 = @GrainIdN1 AND grain_key = coalesce(@GrainIdExtensionString, '')
    RETURNING version),
inserted AS (
    INSERT INTO sessiongrains_storage (service_id, grain_type, grain_id_n0, grain_id_n1, grain_key, payload, version)
    SELECT @ServiceId, @GrainTypeString, @GrainIdN0, @GrainIdN1, coalesce(@GrainIdExtensionString, ''), @PayloadBinary, 1
    WHERE @GrainStateVersion IS NULL
    ON CONFLICT DO NOTHING
    RETURNING version)
SELECT version AS "NewGrainStateVersion" FROM updated
UNION ALL
SELECT version FROM inserted
$q$),

('ClearStorageKey', $q$
UPDATE sessiongrains_storage
SET payload = NULL, version = version + 1, modified_on = now()
WHERE version = @GrainStateVersion
  AND service_id = @ServiceId AND grain_type = @GrainTypeString AND grain_id_n0 = @GrainIdN0
  AND grain_id_n1 = @GrainIdN1 AND grain_key = coalesce(@GrainIdExtensionString, '')
RETURNING version AS "NewGrainStateVersion"
$q$),

-- Returns the deleted version + 1: the provider takes a value equal to its ETag, or none, as a conflict.
('DeleteStorageKey', $q$
DELETE FROM sessiongrains_storage
WHERE version = @GrainStateVersion
  AND service_id = @ServiceId AND grain_type = @GrainTypeString AND grain_id_n0 = @GrainIdN0
  AND grain_id_n1 = @GrainIdN1 AND grain_key = coalesce(@GrainIdExtensionString, '')
RETURNING version + 1 AS "NewGrainStateVersion"
$q$),

-- Reminders.
('UpsertReminderRowKey', $q$
INSERT INTO sessiongrains_reminders (service_id, grain_id, reminder_name, start_time, period_ms, grain_hash, version)
VALUES (@ServiceId, @GrainId, @ReminderName, @StartTime, @Period, @GrainHash, 0)
ON CONFLICT (service_id, grain_id, reminder_name) DO UPDATE
SET start_time = excluded.start_time, period_ms = excluded.period_ms, grain_hash = excluded.grain_hash,
    version = sessiongrains_reminders.version + 1
RETURNING version AS "Version"
$q$),

('ReadReminderRowsKey', $q$
SELECT grain_id AS "GrainId", reminder_name AS "ReminderName", start_time AS "StartTime", period_ms AS "Period", version AS "Version"
FROM sessiongrains_reminders
WHERE service_id = @ServiceId AND grain_id = @GrainId
$q$),

('ReadReminderRowKey', $q$
SELECT grain_id AS "GrainId", reminder_name AS "ReminderName", start_time AS "StartTime", period_ms AS "Period", version AS "Version"
FROM sessiongrains_reminders
WHERE service_id = @ServiceId AND grain_id = @GrainId AND reminder_name = @ReminderName
$q$),

-- A ring range (begin, end]: ReadRangeRows1Key when it does not wrap, ReadRangeRows2Key when it does.
('ReadRangeRows1Key', $q$
SELECT grain_id AS "GrainId", reminder_name AS "ReminderName", start_time AS "StartTime", period_ms AS "Period", version AS "Version"
FROM sessiongrains_reminders
WHERE service_id = @ServiceId AND grain_hash > @BeginHash AND grain_hash <= @EndHash
$q$),

('ReadRangeRows2Key', $q$
SELECT grain_id AS "GrainId", reminder_name AS "ReminderName", start_time AS "StartTime", period_ms AS "Period", version AS "Version"
FROM sessiongrains_reminders
WHERE service_id = @ServiceId AND (grain_hash > @BeginHash OR grain_hash <= @EndHash)
$q$),

('DeleteReminderRowKey', $q$
WITH deleted AS (
    DELETE FROM sessiongrains_reminders
    WHERE service_id = @ServiceId AND grain_id = @GrainId AND reminder_name = @ReminderName AND version = @Version
    RETURNING 1)
SELECT count(*)::integer FROM deleted
$q$),

('DeleteReminderRowsKey', $q$
DELETE FROM sessiongrains_reminders WHERE service_id = @ServiceId
$q$),

-- Clustering. Insert and update change a member only together with bumping the version row from @Version; either both
-- happen or neither (the result is then 0, and Orleans reads the table again).
('InsertMembershipVersionKey', $q$
WITH inserted AS (
    INSERT INTO sessiongrains_membership_version (deployment_id) VALUES (@DeploymentId)
    ON CONFLICT DO NOTHING
    RETURNING 1)
SELECT count(*)::integer FROM inserted
$q$),

('InsertMembershipKey', $q$
WITH bumped AS (
    UPDATE sessiongrains_membership_version
    SET version = version + 1, changed_on = now()
    WHERE deployment_id = @DeploymentId AND version = @Version
      AND NOT EXISTS (SELECT 1 FROM sessiongrains_membership
                      WHERE deployment_id = @DeploymentId AND address = @Address AND port = @Port AND generation = @Generation)
    RETURNING deployment_id),
inserted AS (
    INSERT INTO sessiongrains_membership (deployment_id, address, port, generation, silo_name, host_name, status,
                                          proxy_port, start_time, i_am_alive_time)
    SELECT deployment_id, @Address, @Port, @Generation, @SiloName, @HostName, @Status, @ProxyPort, @StartTime, @IAmAliveTime
    FROM bumped
    RETURNING 1)
SELECT count(*)::integer FROM inserted
$q$),

('UpdateMembershipKey', $q$
WITH bumped AS (
    UPDATE sessiongrains_membership_version
    SET version = version + 1, changed_on = now()
    WHERE deployment_id = @DeploymentId AND version = @Version
      AND EXISTS (SELECT 1 FROM sessiongrains_membership
                  WHERE deployment_id = @DeploymentId AND address = @Address AND port = @Port AND generation = @Generation)
    RETURNING deployment_id),
updated AS (
    UPDATE sessiongrains_membership AS m
    SET status = @Status, suspect_times = @SuspectTimes, i_am_alive_time = @IAmAliveTime
    FROM bumped
    WHERE m.deployment_id = bumped.deployment_id AND m.address = @Address AND m.port = @Port AND m.generation = @Generation
    RETURNING 1)
SELECT count(*)::integer FROM updated
$q$),

('UpdateIAmAlivetimeKey', $q$
UPDATE sessiongrains_membership
SET i_am_alive_time = @IAmAliveTime
WHERE deployment_id = @DeploymentId AND address = @Address AND port = @Port AND generation = @Generation
$q$),

-- Reads return the version row even when no member matches (the member columns are then null).
('MembershipReadRowKey', $q$
SELECT m.address AS "Address", m.port AS "Port", m.generation AS "Generation", m.silo_name AS "SiloName",
       m.host_name AS "HostName", m.status AS "Status", m.proxy_port AS "ProxyPort", m.suspect_times AS "SuspectTimes",
       m.start_time AS "StartTime", m.i_am_alive_time AS "IAmAliveTime", v.version AS "Version"
FROM sessiongrains_membership_version AS v
LEFT JOIN sessiongrains_membership AS m
  ON m.deployment_id = v.deployment_id AND m.address = @Address AND m.port = @Port AND m.generation = @Generation
WHERE v.deployment_id = @DeploymentId
$q$),

('MembershipReadAllKey', $q$
SELECT m.address AS "Address", m.port AS "Port", m.generation AS "Generation", m.silo_name AS "SiloName",
       m.host_name AS "HostName", m.status AS "Status", m.proxy_port AS "ProxyPort", m.suspect_times AS "SuspectTimes",
       m.start_time AS "StartTime", m.i_am_alive_time AS "IAmAliveTime", v.version AS "Version"
FROM sessiongrains_membership_version AS v
LEFT JOIN sessiongrains_membership AS m ON m.deployment_id = v.deployment_id
WHERE v.deployment_id = @DeploymentId
$q$),

('GatewaysQueryKey', $q$
SELECT address AS "Address", proxy_port AS "ProxyPort", generation AS "Generation"
FROM sessiongrains_membership
WHERE deployment_id = @DeploymentId AND status = @Status AND proxy_port > 0
$q$),

-- The version row goes too; its members follow by ON DELETE CASCADE.
('DeleteMembershipTableEntriesKey', $q$
DELETE FROM sessiongrains_membership_version WHERE deployment_id = @DeploymentId
$q$),

-- Members that stopped sending I-am-alive before @IAmAliveTime and are not Active (3).
('CleanupDefunctSiloEntriesKey', $q$
DELETE FROM sessiongrains_membership
WHERE deployment_id = @DeploymentId AND i_am_alive_time < @IAmAliveTime AND status <> 3
$q$)

ON CONFLICT (QueryKey) DO UPDATE SET QueryText = excluded.QueryText;
