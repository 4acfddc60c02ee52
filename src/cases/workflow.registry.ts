import type { Executor } from '../db/database.ts';
import { compile, type CompiledWorkflow } from '../engine/compile.ts';
import type { WorkflowDefinition } from '../definitions/definition.types.ts';
import { findDefinitions, listPublished, type PublishedVersion, type VersionKey } from '../definitions/workflow.repository.ts';

const keyOf = (k: VersionKey) => `${k.workflowId}@${k.version}`;

/** The version in force at `now`: the latest published one whose effective date has come. */
function chooseInForce(published: PublishedVersion[], now: Date): PublishedVersion | undefined {
  let best: PublishedVersion | undefined;
  for (const v of published) {
    if ((v.effectiveFrom === null || v.effectiveFrom <= now) && (!best || v.version > best.version)) best = v;
  }
  return best;
}

function byItem(rows: PublishedVersion[]): Map<string, PublishedVersion[]> {
  const out = new Map<string, PublishedVersion[]>();
  for (const r of rows) out.set(r.workflowId, [...out.get(r.workflowId) ?? [], r]);
  return out;
}

/**
 * Definitions from memory (docs/adr/0030-pages-read-definitions-from-memory.md). A stored version
 * never changes, so its definition and compiled machine are kept by id@version for good. Which
 * version is in force changes only when one is published or retired: the list of published
 * versions (ids, numbers and effective dates, no definitions) is read once and kept until
 * `forgetInForce()`; the choice at a given instant is made here, so a version dated for tomorrow
 * comes into force without a read.
 */
export class WorkflowRegistry {
  private readonly definitions = new Map<string, WorkflowDefinition>();
  private readonly compiled = new Map<string, CompiledWorkflow>();
  private published: Promise<Map<string, PublishedVersion[]>> | undefined;

  async get(db: Executor, workflowId: string, version: number): Promise<CompiledWorkflow | undefined> {
    const key = keyOf({ workflowId, version });
    const hit = this.compiled.get(key);
    if (hit) return hit;
    const [definition] = await this.definitionsOf(db, [{ workflowId, version }]);
    if (!definition) return undefined;
    const compiled = compile(definition);
    this.compiled.set(key, compiled);
    return compiled;
  }

  async inForce(db: Executor, workflowId: string, now: Date): Promise<CompiledWorkflow | undefined> {
    const chosen = chooseInForce((await this.publishedVersions(db)).get(workflowId) ?? [], now);
    return chosen && this.get(db, workflowId, chosen.version);
  }

  /**
   * The definition of every item in force at `now`, by id; not compiled, since the lists and
   * pages that ask want titles, stages and steps, not validators.
   */
  async definitionsInForce(db: Executor, now: Date): Promise<WorkflowDefinition[]> {
    const published = await this.publishedVersions(db);
    const chosen = [...published.keys()].sort().flatMap((id) => chooseInForce(published.get(id)!, now) ?? []);
    return this.definitionsOf(db, chosen);
  }

  /**
   * Drops what is known of the versions in force; the next question reads them again. Publishing
   * calls it after its commit; another instance's publishing reaches it through the notification
   * bus (wired where the app builds the registry, src/app.ts).
   */
  forgetInForce(): void {
    this.published = undefined;
  }

  private publishedVersions(db: Executor): Promise<Map<string, PublishedVersion[]>> {
    if (!this.published) {
      // The promise is kept, not its result: a forget while the read is under way drops that read too.
      const reading = listPublished(db).then(byItem);
      this.published = reading;
      reading.catch(() => {
        if (this.published === reading) this.published = undefined;
      });
    }
    return this.published;
  }

  /** The definitions of these versions in their order, those not yet in memory read in one statement. */
  private async definitionsOf(db: Executor, keys: VersionKey[]): Promise<WorkflowDefinition[]> {
    const missing = keys.filter((k) => !this.definitions.has(keyOf(k)));
    if (missing.length) {
      for (const row of await findDefinitions(db, missing)) this.definitions.set(keyOf(row), row.definition);
    }
    return keys.flatMap((k) => this.definitions.get(keyOf(k)) ?? []);
  }
}
