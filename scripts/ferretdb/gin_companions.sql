SET client_min_messages = warning;
-- GIN companions for FerretDB v1's field indexes (applied to FerretDB's PostgreSQL database by
-- scripts/infra.sh, idempotently).
--
-- FerretDB v1 (PostgreSQL backend) pushes an equality filter {field: value} down as
-- `_jsonb -> 'field' @> '<value>'`, but it builds every index, `_id`'s included, as a btree on
-- `(_jsonb -> 'field')`, and a btree cannot answer `@>`: every find, update and delete scans the
-- whole collection, so each lookup costs more as history grows. For each btree field index FerretDB
-- creates, this adds a GIN index (jsonb_path_ops, which answers `@>`) on the same expressions, so
-- the indexes the services declare (beanie `Indexed`, `Settings.indexes`, and `_id`) serve their
-- lookups. MongoDB itself (compose) needs none of this.

CREATE OR REPLACE FUNCTION cinemesh_add_gin_companion(btree_index oid) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
  idx record;
  key_columns text;
BEGIN
  SELECT i.indrelid::regclass AS tbl, c.relname AS name, i.indnkeyatts AS keys, am.amname AS method
    INTO idx
    FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_am am ON am.oid = c.relam
    WHERE i.indexrelid = btree_index;
  IF NOT FOUND OR idx.method <> 'btree' THEN
    RETURN;
  END IF;
  SELECT string_agg(format('%s jsonb_path_ops', pg_get_indexdef(btree_index, k, true)), ', ' ORDER BY k)
    INTO key_columns
    FROM generate_series(1, idx.keys) AS k;
  IF key_columns !~ '^\(_jsonb -> ''[^'']*''::text\) jsonb_path_ops(, \(_jsonb -> ''[^'']*''::text\) jsonb_path_ops)*$' THEN
    RETURN;  -- not a FerretDB field index
  END IF;
  EXECUTE format('CREATE INDEX IF NOT EXISTS %I ON %s USING gin (%s)',
                 left(idx.name, 59) || '_gin', idx.tbl, key_columns);
END $$;

CREATE OR REPLACE FUNCTION cinemesh_gin_companions_on_create() RETURNS event_trigger
LANGUAGE plpgsql AS $$
DECLARE
  created record;
BEGIN
  FOR created IN SELECT objid FROM pg_event_trigger_ddl_commands() WHERE command_tag = 'CREATE INDEX' LOOP
    PERFORM cinemesh_add_gin_companion(created.objid);
  END LOOP;
END $$;

DROP EVENT TRIGGER IF EXISTS cinemesh_gin_companions;
CREATE EVENT TRIGGER cinemesh_gin_companions ON ddl_command_end WHEN TAG IN ('CREATE INDEX')
  EXECUTE FUNCTION cinemesh_gin_companions_on_create();

-- Indexes FerretDB created before the trigger existed.
SELECT cinemesh_add_gin_companion(i.indexrelid)
  FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_am am ON am.oid = c.relam
  WHERE am.amname = 'btree' AND c.relnamespace <> 'pg_catalog'::regnamespace
    AND c.relnamespace <> 'information_schema'::regnamespace;
