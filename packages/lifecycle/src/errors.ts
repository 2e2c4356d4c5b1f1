/**
 * Every error this package throws, by stable code (same pattern as @tcplens/packet). The tracker
 * itself never throws on traffic: anomalies are counted as weirds. Only bad options throw.
 */
export const LifecycleErrorCode = {
  TCPLENS_ERR_LIFECYCLE_OPTIONS: {
    message: 'invalid tracker options: {problems}',
    retriable: false,
  },
} as const;
export type LifecycleErrorCodeName = keyof typeof LifecycleErrorCode;

export class LifecycleError extends Error {
  readonly code: LifecycleErrorCodeName;
  readonly retriable: boolean;
  readonly details: Readonly<Record<string, string>>;

  constructor(code: LifecycleErrorCodeName, details: Readonly<Record<string, string>>) {
    super(LifecycleErrorCode[code].message.replace(/\{(\w+)\}/g, (m, k: string) => details[k] ?? m));
    this.name = 'LifecycleError';
    this.code = code;
    this.retriable = LifecycleErrorCode[code].retriable;
    this.details = details;
  }
}
