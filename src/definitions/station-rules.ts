import type { WorkflowDefinition } from './definition.types.ts';
import type { Report } from './finding.ts';
import { requiredFields } from './form-rules.ts';
import { isAdverse, isSystemEvent, transitionsOf } from './transitions.ts';

/**
 * Stations below the district: they serve the bureau but decide
 * nothing in its name (docs/adr/0014-the-right-body-decides.md).
 */
const STATION_LEVELS = new Set(['village', 'town']);

/**
 * Who acts on each step: every step names its level; steps above the district are external, recorded
 * by the district with the deciding body's decision and document number; a village or town step may
 * not decide against the person in the bureau's name.
 */
export function lintStations(def: WorkflowDefinition, report: Report): void {
  const states = def.machine.states;
  for (const [name, state] of Object.entries(states)) {
    if (state.type === 'final') continue;
    const base = `$.machine.states.${name}`;
    const meta = state.meta;
    if (!meta.level) report(`${base}.meta.level`, 'LINT_STEP_NO_LEVEL');
    const aboveDistrict = meta.level === 'city' || meta.level === 'province';
    if (aboveDistrict !== (meta.external === true)) report(`${base}.meta.external`, 'LINT_EXTERNAL_LEVEL');
    for (const [type, t, suffix] of transitionsOf(state)) {
      if (!states[t.target ?? name]) continue;
      const formId = meta.events?.[type]?.form;
      const required = requiredFields(formId ? def.forms[formId] : undefined);
      // A timer's lapse follows the rule the district set and the 补正 notice announced: no station decides it.
      if (STATION_LEVELS.has(meta.level ?? '') && !isSystemEvent(type) && type !== meta.timer?.event && isAdverse(def, name, t)) {
        report(`${base}${suffix}`, 'LINT_STATION_DECIDES', { level: meta.level! });
      }
      if (meta.external && !isSystemEvent(type)) {
        for (const field of ['decisionBody', 'documentNumber']) if (!required.includes(field)) report(`${base}.meta.events.${type}`, 'LINT_EXTERNAL_FORM', { field });
      }
    }
  }
}
