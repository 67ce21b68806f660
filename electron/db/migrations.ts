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
  {
    version: 3,
    name: '2026-11-28 stage rounds, review history, indicators, monitoring values, indicator library',
    async up(db) {
      await db.schema.alterTable('projects').addColumn('code', 'text', (c) => c.notNull().defaultTo('')).execute()
      await db.schema.alterTable('projects').addColumn('category', 'text', (c) => c.notNull().defaultTo('项目')).execute()
      await db.schema.alterTable('projects').addColumn('annual_goal', 'text', (c) => c.notNull().defaultTo('')).execute()
      await timestamps(
        db.schema
          .createTable('indicators')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('project_id', 'text', (c) => c.notNull().references('projects.id').onDelete('cascade'))
          .addColumn('level1', 'text', (c) => c.notNull())
          .addColumn('level2', 'text', (c) => c.notNull())
          .addColumn('name', 'text', (c) => c.notNull())
          .addColumn('operator', 'text', (c) => c.notNull())
          .addColumn('target_value', 'text', (c) => c.notNull())
          .addColumn('unit', 'text', (c) => c.notNull().defaultTo(''))
          .addColumn('weight', 'real')
          .addColumn('explanation', 'text', (c) => c.notNull().defaultTo(''))
          .addColumn('sort', 'integer', (c) => c.notNull().defaultTo(0)),
      ).execute()
      await db.schema.createIndex('indicators_project').on('indicators').columns(['project_id', 'sort']).execute()
      await timestamps(
        db.schema
          .createTable('rounds')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('stage', 'text', (c) => c.notNull())
          .addColumn('work_year', 'integer', (c) => c.notNull())
          .addColumn('budget_year', 'integer', (c) => c.notNull())
          .addColumn('title', 'text', (c) => c.notNull())
          .addColumn('deadline', 'text')
          .addColumn('as_of_month', 'integer')
          .addColumn('unit_ids', 'text', (c) => c.notNull().defaultTo('[]'))
          .addColumn('notes', 'text', (c) => c.notNull().defaultTo('')),
      ).execute()
      await db.schema.createIndex('rounds_stage_year').on('rounds').columns(['stage', 'work_year']).execute()
      await timestamps(
        db.schema
          .createTable('round_items')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('round_id', 'text', (c) => c.notNull().references('rounds.id').onDelete('cascade'))
          .addColumn('project_id', 'text', (c) => c.notNull().references('projects.id'))
          .addColumn('status', 'text', (c) => c.notNull().defaultTo('待填报'))
          .addColumn('review_count', 'integer', (c) => c.notNull().defaultTo(0))
          .addColumn('conclusion', 'text')
          .addColumn('result_use', 'text', (c) => c.notNull().defaultTo(''))
          .addColumn('is_public', 'integer', (c) => c.notNull().defaultTo(0))
          .addColumn('public_date', 'text')
          .addColumn('executed_fen', 'integer')
          .addColumn('forecast_fen', 'integer')
          .addColumn('deviation', 'text', (c) => c.notNull().defaultTo(''))
          .addColumn('measures', 'text', (c) => c.notNull().defaultTo(''))
          .addColumn('light', 'text')
          .addColumn('submitted_at', 'text')
          .addColumn('reviewed_at', 'text')
          .addUniqueConstraint('round_items_round_project', ['round_id', 'project_id']),
      ).execute()
      await db.schema.createIndex('round_items_round_status').on('round_items').columns(['round_id', 'status']).execute()
      await db.schema.createIndex('round_items_project').on('round_items').column('project_id').execute()
      await timestamps(
        db.schema
        .createTable('reviews')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('item_id', 'text', (c) => c.notNull().references('round_items.id').onDelete('cascade'))
        .addColumn('seq', 'integer', (c) => c.notNull())
        .addColumn('action', 'text', (c) => c.notNull())
        .addColumn('conclusion', 'text')
        .addColumn('summary', 'text', (c) => c.notNull().defaultTo(''))
        .addColumn('opinions', 'text', (c) => c.notNull().defaultTo('[]'))
        .addColumn('operator_id', 'text', (c) => c.references('operators.id'))
        .addColumn('division_id', 'text', (c) => c.references('divisions.id'))
        .addColumn('at', 'text', (c) => c.notNull()),
      ).execute()
      await db.schema.createIndex('reviews_item').on('reviews').columns(['item_id', 'seq']).execute()
      await timestamps(
        db.schema
          .createTable('indicator_values')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('item_id', 'text', (c) => c.notNull().references('round_items.id').onDelete('cascade'))
          .addColumn('indicator_id', 'text', (c) => c.notNull().references('indicators.id').onDelete('cascade'))
          .addColumn('actual', 'text', (c) => c.notNull().defaultTo(''))
          .addColumn('forecast', 'text', (c) => c.notNull().defaultTo(''))
          .addColumn('likelihood', 'text', (c) => c.notNull().defaultTo(''))
          .addColumn('causes', 'text', (c) => c.notNull().defaultTo('[]'))
          .addColumn('measures', 'text', (c) => c.notNull().defaultTo(''))
          .addColumn('light', 'text')
          .addUniqueConstraint('indicator_values_item_indicator', ['item_id', 'indicator_id']),
      ).execute()
      await db.schema.createIndex('indicator_values_indicator').on('indicator_values').column('indicator_id').execute()
      await timestamps(
        db.schema
          .createTable('library_indicators')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('level1', 'text', (c) => c.notNull())
          .addColumn('level2', 'text', (c) => c.notNull())
          .addColumn('name', 'text', (c) => c.notNull())
          .addColumn('operator', 'text', (c) => c.notNull())
          .addColumn('target_value', 'text', (c) => c.notNull().defaultTo(''))
          .addColumn('unit', 'text', (c) => c.notNull().defaultTo(''))
          .addColumn('explanation', 'text', (c) => c.notNull().defaultTo(''))
          .addColumn('field', 'text', (c) => c.notNull().defaultTo('通用')),
      ).execute()
    },
  },
  {
    version: 4,
    name: '2026-11-28 year locks',
    async up(db) {
      await db.schema
        .createTable('year_locks')
        .addColumn('work_year', 'integer', (c) => c.primaryKey())
        .addColumn('locked_at', 'text', (c) => c.notNull())
        .addColumn('operator_id', 'text', (c) => c.references('operators.id'))
        .execute()
    },
  },
  {
    version: 5,
    name: '2026-11-28 evaluation: 自评 scores, 财政评价, third-party agencies, 考评表, 整改',
    async up(db) {
      const addText = (table: string, col: string, def = "''") =>
        db.schema.alterTable(table).addColumn(col, 'text', (c) => c.notNull().defaultTo(sql.raw(def))).execute()
      const addReal = (table: string, col: string) => db.schema.alterTable(table).addColumn(col, 'real').execute()
      await addText('rounds', 'project_ids', "'[]'")
      await addText('round_items', 'funds', "'[]'")
      await addReal('round_items', 'total_score')
      await db.schema.alterTable('round_items').addColumn('grade', 'text').execute()
      await addText('round_items', 'eval_conclusion')
      await addText('round_items', 'eval_problems')
      await addText('round_items', 'eval_improvements')
      await addText('round_items', 'findings', "'[]'")
      await addText('round_items', 'consequence')
      await addReal('indicator_values', 'suggested_score')
      await addReal('indicator_values', 'final_score')
      await addText('indicator_values', 'override_reason')
      await db.schema.alterTable('indicator_values').addColumn('override_by', 'text').execute()
      await db.schema.alterTable('indicator_values').addColumn('inapplicable', 'integer', (c) => c.notNull().defaultTo(0)).execute()
      await addText('indicator_values', 'reason')
      await timestamps(
        db.schema
          .createTable('agencies')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('name', 'text', (c) => c.notNull().unique())
          .addColumn('credit_code', 'text', (c) => c.notNull().defaultTo(''))
          .addColumn('contact', 'text', (c) => c.notNull().defaultTo(''))
          .addColumn('phone', 'text', (c) => c.notNull().defaultTo(''))
          .addColumn('qualifications', 'text', (c) => c.notNull().defaultTo(''))
          .addColumn('notes', 'text', (c) => c.notNull().defaultTo(''))
          .addColumn('active', 'integer', (c) => c.notNull().defaultTo(1)),
      ).execute()
      await timestamps(
        db.schema
          .createTable('engagements')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('round_id', 'text', (c) => c.notNull().references('rounds.id').onDelete('cascade'))
          .addColumn('agency_id', 'text', (c) => c.notNull().references('agencies.id'))
          .addColumn('services', 'text', (c) => c.notNull().defaultTo(''))
          .addColumn('quality', 'text', (c) => c.notNull().defaultTo(''))
          .addColumn('deliver_by', 'text')
          .addColumn('fee_fen', 'integer', (c) => c.notNull().defaultTo(0))
          .addColumn('method', 'text', (c) => c.notNull().defaultTo(''))
          .addColumn('contract_date', 'text')
          .addColumn('period_start', 'text')
          .addColumn('period_end', 'text')
          .addColumn('report_date', 'text')
          .addColumn('notes', 'text', (c) => c.notNull().defaultTo('')),
      ).execute()
      await db.schema.createIndex('engagements_agency').on('engagements').column('agency_id').execute()
      await timestamps(
        db.schema
          .createTable('agency_ratings')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('engagement_id', 'text', (c) => c.notNull().references('engagements.id').onDelete('cascade'))
          .addColumn('rater', 'text', (c) => c.notNull())
          .addColumn('rater_name', 'text', (c) => c.notNull().defaultTo(''))
          .addColumn('scores', 'text', (c) => c.notNull().defaultTo('{}'))
          .addColumn('total', 'real', (c) => c.notNull())
          .addColumn('rated_at', 'text', (c) => c.notNull())
          .addUniqueConstraint('agency_ratings_engagement_rater', ['engagement_id', 'rater']),
      ).execute()
      await timestamps(
        db.schema
          .createTable('rectifications')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('item_id', 'text', (c) => c.notNull().unique().references('round_items.id').onDelete('cascade'))
          .addColumn('deadline', 'text', (c) => c.notNull())
          .addColumn('copies', 'integer', (c) => c.notNull().defaultTo(2))
          .addColumn('requirements', 'text', (c) => c.notNull().defaultTo(''))
          .addColumn('status', 'text', (c) => c.notNull().defaultTo('未整改'))
          .addColumn('report_date', 'text')
          .addColumn('report_content', 'text', (c) => c.notNull().defaultTo(''))
          .addColumn('closed_at', 'text'),
      ).execute()
      await db.schema.createIndex('rectifications_status').on('rectifications').columns(['status', 'deadline']).execute()
    },
  },
  {
    version: 6,
    name: '2026-12-01 sign-in: operator passwords, roles, unique names',
    async up(db) {
      // scrypt$N$r$p$salt$hash (electron/auth/password.ts); NULL until a password is set.
      await db.schema.alterTable('operators').addColumn('password_hash', 'text').execute()
      // Operators from before sign-in keep doing the bureau's work; the administrator is created at
      // first start and adjusts roles (shared/roles.ts).
      await db.schema.alterTable('operators').addColumn('roles', 'text', (c) => c.notNull().defaultTo('["预算股"]')).execute()
      await db.schema.alterTable('operators').addColumn('failed_sign_ins', 'integer', (c) => c.notNull().defaultTo(0)).execute()
      await db.schema.alterTable('operators').addColumn('last_failed_at', 'text').execute()
      // Names become the sign-in: a second 王芳 is renamed 王芳（2） (kept, never merged).
      const rows = await db.selectFrom('operators').select(['id', 'name']).orderBy('created_at').orderBy('id').execute()
      const seen = new Map<string, number>()
      for (const r of rows as { id: string; name: string }[]) {
        const n = (seen.get(r.name) ?? 0) + 1
        seen.set(r.name, n)
        if (n > 1) await db.updateTable('operators').set({ name: `${r.name}（${n}）` }).where('id', '=', r.id).execute()
      }
      await db.schema.createIndex('operators_name_unique').on('operators').column('name').unique().execute()
    },
  },
  {
    version: 7,
    name: '2026-12-01 项目库 as the register of budget lines: 资金渠道, lines without targets, historic targets',
    async up(db) {
      // Where the money comes from beside the four budgets: 本级 or a 中央/省/市 transfer.
      await db.schema.alterTable('projects').addColumn('fund_channel', 'text', (c) => c.notNull().defaultTo('本级')).execute()
      // 0 = a budget line monitored for its money only (no 绩效目标 to set or review).
      await db.schema.alterTable('projects').addColumn('needs_targets', 'integer', (c) => c.notNull().defaultTo(1)).execute()
      // How the targets came to be approved outside a review round ('历史目标导入'), and when.
      await db.schema.alterTable('projects').addColumn('targets_origin', 'text', (c) => c.notNull().defaultTo('')).execute()
      await db.schema.alterTable('projects').addColumn('targets_approved_at', 'text').execute()
      await db.schema.createIndex('projects_year_code').on('projects').columns(['budget_year', 'code']).execute()
    },
  },
  {
    version: 8,
    name: '2026-12-01 record versions: optimistic concurrency for the records edit screens save whole',
    // A save names the version it was edited from; a stale one is refused (Writer.update) instead
    // of silently overwriting another person's change.
    async up(db) {
      const tables = ['divisions', 'operators', 'units', 'trainings', 'exante_proposals', 'projects', 'rounds', 'agencies', 'engagements', 'rectifications', 'library_indicators']
      for (const table of tables) await sql.raw(`ALTER TABLE ${table} ADD COLUMN version INTEGER NOT NULL DEFAULT 1`).execute(db)
    },
  },
  {
    version: 9,
    name: '2026-12-01 起草公文: freely written 通知/办法/报告 drafts, issued through the register',
    async up(db) {
      await db.schema
        .createTable('free_documents')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('work_year', 'integer', (c) => c.notNull())
        .addColumn('doc_type', 'text', (c) => c.notNull())
        .addColumn('direction', 'text', (c) => c.notNull().defaultTo('down'))
        .addColumn('prefix_key', 'text', (c) => c.notNull().defaultTo('budget'))
        .addColumn('title', 'text', (c) => c.notNull())
        .addColumn('recipients', 'text', (c) => c.notNull().defaultTo(''))
        .addColumn('body', 'text', (c) => c.notNull().defaultTo(''))
        .addColumn('attachments', 'text', (c) => c.notNull().defaultTo('[]'))
        .addColumn('copy_to', 'text', (c) => c.notNull().defaultTo(''))
        .addColumn('date', 'text', (c) => c.notNull())
        .addColumn('operator_id', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
        .execute()
      await db.schema.createIndex('free_documents_year').on('free_documents').column('work_year').execute()
    },
  },
  {
    version: 10,
    name: "2026-12-01 自评: the unit's own typed 总分 and 预算执行 得分, kept beside the rule's",
    // What the unit wrote on its 自评表 (null when it wrote none); total_score stays the rule's total.
    async up(db) {
      await db.schema.alterTable('round_items').addColumn('unit_total_score', 'real').execute()
      await db.schema.alterTable('round_items').addColumn('unit_execution_score', 'real').execute()
    },
  },
]

export const LATEST_VERSION = MIGRATIONS[MIGRATIONS.length - 1]!.version
