/**
 * Limits on stored text, by table and column, read from the save channels' own zod schemas
 * (shared/api.ts): one source. Data arriving by another road — a year package, an Excel import —
 * is held to what a clerk could have typed. Where two channels write one column (a 发文's title by
 * 制发公文 and by 登记), the column takes the larger. Columns not named here are free text or JSON
 * written by the product itself and get the generic bounds of shared/limits.ts.
 */
import { api } from './api'
import type { Channel } from './channels'

/** Where a column's text comes from: channel, then the field's path in its input ('*' = each array element). */
type Source = readonly [Channel, string]

export const COLUMN_SOURCES: Record<string, Record<string, readonly Source[]>> = {
  operators: { name: [['operators/save', 'name']] },
  divisions: { name: [['divisions/save', 'name']] },
  units: { code: [['units/save', 'code']], name: [['units/save', 'name']], parent_name: [['units/save', 'parentName']] },
  trainings: {
    title: [['trainings/save', 'title']],
    organiser: [['trainings/save', 'organiser']],
    form: [['trainings/save', 'form']],
    notes: [['trainings/save', 'notes']],
  },
  exante_proposals: { project_name: [['exante/save', 'projectName']], basis: [['exante/save', 'basis']], conclusion_reason: [['exante/confirm', 'reason']] },
  projects: { code: [['projects/save', 'code']], name: [['projects/save', 'name']], annual_goal: [['targets/save', 'annualGoal']] },
  indicators: {
    name: [['targets/save', 'indicators.*.name']],
    target_value: [['targets/save', 'indicators.*.targetValue']],
    unit: [['targets/save', 'indicators.*.unit']],
    explanation: [['targets/save', 'indicators.*.explanation']],
  },
  library_indicators: {
    name: [['library/save', 'name']],
    target_value: [['library/save', 'targetValue']],
    unit: [['library/save', 'unit']],
    explanation: [['library/save', 'explanation']],
    field: [['library/save', 'field']],
  },
  rounds: { title: [['rounds/save', 'title']], notes: [['rounds/save', 'notes']] },
  round_items: {
    result_use: [['items/resultUse', 'resultUse']],
    deviation: [['monitoring/save', 'deviation'], ['selfeval/save', 'executionNote']],
    measures: [['monitoring/save', 'measures']],
  },
  indicator_values: {
    actual: [['monitoring/save', 'values.*.actual'], ['selfeval/save', 'values.*.actual']],
    forecast: [['monitoring/save', 'values.*.forecast']],
    measures: [['monitoring/save', 'values.*.measures']],
    override_reason: [['selfeval/save', 'values.*.overrideReason']],
    reason: [['selfeval/save', 'values.*.reason']],
  },
  documents: { prefix: [['register/add', 'prefix']], title: [['docs/issue', 'title'], ['register/add', 'title']], recipients: [['docs/issue', 'recipients'], ['register/add', 'recipients']] },
  agencies: {
    name: [['agencies/save', 'name']],
    credit_code: [['agencies/save', 'creditCode']],
    contact: [['agencies/save', 'contact']],
    phone: [['agencies/save', 'phone']],
    qualifications: [['agencies/save', 'qualifications']],
    notes: [['agencies/save', 'notes']],
  },
  engagements: {
    services: [['engagements/save', 'services']],
    quality: [['engagements/save', 'quality']],
    method: [['engagements/save', 'method']],
    notes: [['engagements/save', 'notes']],
  },
  agency_ratings: { rater_name: [['ratings/save', 'raterName']] },
  rectifications: { requirements: [['rectify/save', 'requirements']], report_content: [['rectify/save', 'reportContent']] },
}

/** Columns the product fills itself, never from a channel: a file name within what file systems take, a path. */
const LOCAL_LIMITS: Record<string, Record<string, number>> = {
  documents: { file_name: 260, file_path: 4096 },
}

interface Node {
  def: { type: string; innerType?: Node; in?: Node; element?: Node }
  shape?: Record<string, Node>
  maxLength?: number | null
}

/** Through optional, nullable, default and pipe wrappers to the schema that holds the checks. */
function core(s: Node): Node {
  for (let i = 0; i < 10; i++) {
    const d = s.def
    if (d.innerType) s = d.innerType
    else if (d.type === 'pipe' && d.in) s = d.in
    else break
  }
  return s
}

/** The maximum length the channel's input schema allows at `path`; throws if there is none. */
export function channelMaxLength(channel: Channel, path: string): number {
  let s = core(api[channel].input as unknown as Node)
  for (const part of path.split('.')) {
    const next = part === '*' ? s.def.element : s.shape?.[part]
    if (!next) throw new Error(`${channel} 的输入中没有 ${path}`)
    s = core(next)
  }
  if (typeof s.maxLength !== 'number') throw new Error(`${channel} 的 ${path} 没有长度上限`)
  return s.maxLength
}

function build(): Record<string, Record<string, number>> {
  const out: Record<string, Record<string, number>> = {}
  for (const [table, cols] of Object.entries(COLUMN_SOURCES)) {
    out[table] = { ...LOCAL_LIMITS[table] }
    for (const [col, sources] of Object.entries(cols)) out[table]![col] = Math.max(...sources.map(([c, p]) => channelMaxLength(c, p)))
  }
  return out
}

/** table → column → the longest text it may hold. */
export const COLUMN_LIMITS: Record<string, Record<string, number>> = build()
