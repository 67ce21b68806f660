/**
 * Schema migrations, in code (no files read at run time, so they work inside asar).
 * Each is frozen in time: it takes Kysely<any> and must never change once released.
 * The schema version is PRAGMA user_version = the number of the last applied migration.
 */
import { sql, type Kysely } from 'kysely'

export interface Migration {
  version: number
  name: string
  up(db: Kysely<any>): Promise<void>
}

const timestamps = (t: any) =>
  t.addColumn('created_at', 'text', (c: any) => c.notNull()).addColumn('updated_at', 'text', (c: any) => c.notNull())

export const MIGRATIONS: Migration[] = [
  {
    version: 1,
    name: '2026-11-28 master data and audit log',
    async up(db) {
      await db.schema
        .createTable('settings')
        .addColumn('key', 'text', (c) => c.primaryKey())
        .addColumn('value', 'text', (c) => c.notNull())
        .execute()
      await timestamps(
        db.schema
          .createTable('divisions')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('name', 'text', (c) => c.notNull().unique())
          .addColumn('sort', 'integer', (c) => c.notNull().defaultTo(0))
          .addColumn('active', 'integer', (c) => c.notNull().defaultTo(1)),
      ).execute()
      await timestamps(
        db.schema
          .createTable('operators')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('name', 'text', (c) => c.notNull())
          .addColumn('division_id', 'text', (c) => c.references('divisions.id'))
          .addColumn('active', 'integer', (c) => c.notNull().defaultTo(1)),
      ).execute()
      await timestamps(
        db.schema
          .createTable('units')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('code', 'text', (c) => c.notNull().unique())
          .addColumn('name', 'text', (c) => c.notNull())
          .addColumn('parent_name', 'text', (c) => c.notNull().defaultTo(''))
          .addColumn('division_id', 'text', (c) => c.references('divisions.id'))
          .addColumn('active', 'integer', (c) => c.notNull().defaultTo(1)),
      ).execute()
      await db.schema
        .createTable('audit_log')
        .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
        .addColumn('at', 'text', (c) => c.notNull())
        .addColumn('operator_id', 'text', (c) => c.references('operators.id'))
        .addColumn('action', 'text', (c) => c.notNull())
        .addColumn('entity', 'text', (c) => c.notNull())
        .addColumn('entity_id', 'text', (c) => c.notNull())
        .addColumn('before', 'text')
        .addColumn('after', 'text')
        .execute()
      await db.schema.createIndex('audit_log_entity').on('audit_log').columns(['entity', 'entity_id']).execute()
    },
  },
  {
    version: 2,
    name: '2026-11-28 trainings, ex-ante assessment, project library, document register',
    async up(db) {
      await timestamps(
        db.schema
          .createTable('trainings')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('work_year', 'integer', (c) => c.notNull())
          .addColumn('date', 'text', (c) => c.notNull())
          .addColumn('title', 'text', (c) => c.notNull())
          .addColumn('organiser', 'text', (c) => c.notNull())
          .addColumn('form', 'text', (c) => c.notNull())
          .addColumn('division_ids', 'text', (c) => c.notNull().defaultTo('[]'))
          .addColumn('unit_ids', 'text', (c) => c.notNull().defaultTo('[]'))
          .addColumn('participant_count', 'integer', (c) => c.notNull().defaultTo(0))
          .addColumn('notes', 'text', (c) => c.notNull().defaultTo('')),
      ).execute()
      await db.schema.createIndex('trainings_year').on('trainings').column('work_year').execute()
      await timestamps(
        db.schema
          .createTable('projects')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('budget_year', 'integer', (c) => c.notNull())
          .addColumn('unit_id', 'text', (c) => c.notNull().references('units.id'))
          .addColumn('name', 'text', (c) => c.notNull())
          .addColumn('amount_fen', 'integer', (c) => c.notNull())
          .addColumn('fund_source', 'text', (c) => c.notNull())
          .addColumn('origin', 'text', (c) => c.notNull())
          .addColumn('origin_id', 'text'),
      ).execute()
      await db.schema.createIndex('projects_year_unit').on('projects').columns(['budget_year', 'unit_id']).execute()
      await sql`CREATE UNIQUE INDEX projects_origin ON projects(origin, origin_id) WHERE origin_id IS NOT NULL`.execute(db)
      await timestamps(
        db.schema
          .createTable('exante_proposals')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('work_year', 'integer', (c) => c.notNull())
          .addColumn('budget_year', 'integer', (c) => c.notNull())
          .addColumn('unit_id', 'text', (c) => c.notNull().references('units.id'))
          .addColumn('project_name', 'text', (c) => c.notNull())
          .addColumn('amount_fen', 'integer', (c) => c.notNull())
          .addColumn('fund_source', 'text', (c) => c.notNull())
          .addColumn('basis', 'text', (c) => c.notNull().defaultTo(''))
          .addColumn('scores', 'text', (c) => c.notNull().defaultTo('{}'))
          .addColumn('total_score', 'real')
          .addColumn('suggested_conclusion', 'text')
          .addColumn('conclusion', 'text')
          .addColumn('conclusion_reason', 'text', (c) => c.notNull().defaultTo(''))
          .addColumn('confirmed_by', 'text', (c) => c.references('operators.id'))
          .addColumn('confirmed_at', 'text')
          .addColumn('library_project_id', 'text', (c) => c.references('projects.id')),
      ).execute()
      await db.schema.createIndex('exante_year_unit').on('exante_proposals').columns(['work_year', 'unit_id']).execute()
      await timestamps(
        db.schema
          .createTable('documents')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('kind', 'text', (c) => c.notNull())
          .addColumn('doc_key', 'text', (c) => c.unique())
          .addColumn('prefix', 'text', (c) => c.notNull())
          .addColumn('year', 'integer', (c) => c.notNull())
          .addColumn('serial', 'integer')
          .addColumn('doc_number', 'text', (c) => c.notNull())
          .addColumn('title', 'text', (c) => c.notNull())
          .addColumn('recipients', 'text', (c) => c.notNull().defaultTo(''))
          .addColumn('issued_date', 'text', (c) => c.notNull())
          .addColumn('file_name', 'text', (c) => c.notNull().defaultTo(''))
          .addColumn('file_path', 'text', (c) => c.notNull().defaultTo(''))
          .addColumn('content', 'text', (c) => c.notNull().defaultTo('{}'))
          .addColumn('records', 'text', (c) => c.notNull().defaultTo('[]'))
          .addColumn('generated', 'integer', (c) => c.notNull().defaultTo(1))
          .addColumn('operator_id', 'text', (c) => c.references('operators.id')),
      ).execute()
      // A 文号 is never issued twice: the database enforces it, whatever the code does.
      await sql`CREATE UNIQUE INDEX documents_number ON documents(prefix, year, serial) WHERE serial IS NOT NULL`.execute(db)
    },
  },
]

export const LATEST_VERSION = MIGRATIONS[MIGRATIONS.length - 1]!.version
