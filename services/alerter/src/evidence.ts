/**
 * The evidence attached to an RST alert: which clients and sensors the RST teardowns came from,
 * and a few connection ids to look at, all inside the alert's window and scope.
 */
import type { Contributor } from './alert.js';
import { plainAddress, timeLiteral, type QuerySource } from './source.js';

export interface EvidenceScope {
  /** SQL condition on the raw table selecting the scope (fixed text, literals only from the store). */
  where: string;
  windowStartUs: number;
  windowEndUs: number;
}

export function windowCondition(startUs: number, endUs: number): string {
  return `ts > ${timeLiteral(startUs)} AND ts <= ${timeLiteral(endUs)}`;
}

export async function rstEvidence(
  src: QuerySource,
  scope: EvidenceScope,
  topN: number,
  examples: number,
): Promise<{ topClients: Contributor[]; topSensors: Contributor[]; exampleUids: string[] }> {
  const from = `${src.database}.connections FINAL`;
  const where = `${windowCondition(scope.windowStartUs, scope.windowEndUs)} AND ${scope.where} AND close_kind = 'rst'`;
  const top = async (expr: string): Promise<Contributor[]> => {
    const r = await src.query(
      `SELECT ${expr} AS name, count() AS count FROM ${from} WHERE ${where} GROUP BY name ORDER BY count DESC, name LIMIT {n:UInt32}`,
      { n: topN },
    );
    return r.rows.map((row) => ({ name: plainAddress(String(row['name'])), count: Number(row['count']) }));
  };
  const [topClients, topSensors, uids] = [await top('toString(orig_h)'), await top('sensor_id'), await src.query(
    `SELECT uid FROM ${from} WHERE ${where} ORDER BY ts, uid LIMIT {n:UInt32}`,
    { n: examples },
  )];
  return { topClients, topSensors, exampleUids: uids.rows.map((r) => String(r['uid'])) };
}
