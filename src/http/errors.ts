/**
 * The one catalogue of errors a client can see. Every response that is not 2xx has the shape
 * `{code, message, errors?, allowedEvents?, currentVersion?}`; `message` follows Accept-Language.
 */
export const errorCatalogue = {
  BAD_REQUEST: { status: 400, zh: '请求格式不正确', en: 'The request is malformed' },
  UNAUTHENTICATED: { status: 401, zh: '请先登录', en: 'Please log in first' },
  BAD_CREDENTIALS: { status: 401, zh: '用户名或密码不正确', en: 'Wrong user name or password' },
  FORBIDDEN: { status: 403, zh: '无权执行此操作', en: 'You may not do this' },
  CSRF_REFUSED: { status: 403, zh: '请求来源无法确认，已拒绝：请在本系统的页面中操作，或使用API令牌', en: "The request did not come from this service's own pages, so it was refused; use the pages, or an API token" },
  SYSTEM_EVENT: { status: 403, zh: '该事件只能由系统发出', en: 'Only the service itself may send this event' },
  NOT_FOUND: { status: 404, zh: '未找到', en: 'Not found' },
  ROUTE_NOT_FOUND: { status: 404, zh: '接口不存在', en: 'No such route' },
  STALE_VERSION: { status: 409, zh: '案件已被他人更新，请刷新后重试', en: 'The case was changed by someone else; reload and try again' },
  EVENT_NOT_ALLOWED: { status: 409, zh: '当前环节不能执行该操作', en: 'This action is not possible at the current step' },
  CASE_ALREADY_OPEN: { status: 409, zh: '该对象已有同一事项的在办案件', en: 'This person already has an open case of this item' },
  PERSON_EXISTS: { status: 409, zh: '该身份证号码已登记', en: 'A person with this ID number is already registered' },
  CASE_CLOSED: { status: 409, zh: '案件已办结', en: 'The case is closed' },
  RECALL_REFUSED: { status: 409, zh: '该步骤不能撤回', en: 'This step cannot be taken back' },
  PAYMENT_ALREADY_RECORDED: { status: 409, zh: '该案件本期已登记发放，同一期间只能登记一次', en: 'This period is already paid in this case; a period is paid once' },
  PAYMENT_IN_BATCH: { status: 409, zh: '该案件本期已列入发放批次，须通过该批次登记发放', en: 'This period of the case is on a payment batch; record it through the batch' },
  BATCH_RECORDING: { status: 409, zh: '该发放批次正在由他人登记，请稍后查看登记结果', en: 'Someone else is recording this batch; look at its result in a moment' },
  PAYLOAD_TOO_LARGE: { status: 413, zh: '请求内容过大', en: 'The request body is too large' },
  ROSTER_TOO_LARGE: { status: 413, zh: '名册过大，请分批导入', en: 'The roster is too large; import it in parts' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, zh: '不支持的内容类型', en: 'Unsupported content type' },
  VALIDATION_FAILED: { status: 422, zh: '填写内容有误，请按提示修改', en: 'Some fields are not valid' },
  GUARD_FAILED: { status: 422, zh: '不满足办理条件', en: 'The conditions for this step are not met' },
  NOT_ELIGIBLE: { status: 422, zh: '不符合申请条件', en: 'The person is not eligible for this item' },
  IDEMPOTENCY_MISMATCH: { status: 422, zh: '同一幂等键对应的请求内容不同', en: 'This idempotency key was used with a different request' },
  FOUR_EYES: { status: 403, zh: '该环节须由另一名工作人员办理', en: 'This step must be done by a different person than the previous one' },
  NO_PUBLISHED_VERSION: { status: 422, zh: '该事项暂无生效版本', en: 'This item has no version in force' },
  TOO_MANY_REQUESTS: { status: 429, zh: '请求过于频繁，请稍后再试', en: 'Too many requests; try again later' },
  TOO_MANY_LOGINS: { status: 429, zh: '登录尝试过于频繁，请一分钟后再试', en: 'Too many login attempts; try again in a minute' },
  SESSION_LIMIT: { status: 409, zh: '登录已达最长时限，不能再延长，请保存草稿后重新登录', en: 'The session has reached its longest life and cannot be extended; save a draft and log in again' },
  ACCOUNT_LOCKED: { status: 423, zh: '登录失败次数过多，账户已暂时锁定，请稍后再试', en: 'Too many failed logins: the account is locked for a while' },
  IMPORT_BUSY: { status: 503, zh: '名册导入繁忙，请稍后再试', en: 'Roster imports are busy; try again shortly' },
  DATABASE_UNAVAILABLE: { status: 503, zh: '数据库暂不可用，请稍后再试', en: 'The database is unavailable; try again later' },
  INTERNAL: { status: 500, zh: '系统内部错误', en: 'Internal error' },
} as const;

export type ErrorCode = keyof typeof errorCatalogue;

export interface FieldError {
  /** JSON Pointer into the submitted data. */
  path: string;
  message: string;
}

export interface ErrorExtras {
  errors?: FieldError[];
  allowedEvents?: unknown[];
  currentVersion?: number;
  /** Overrides the catalogue text when the cause is more specific. */
  detail?: { zh: string; en: string };
  /** Sent as the Retry-After header (seconds), not in the body. */
  retryAfter?: number;
}

/** An error meant for the client: carries a catalogue code and optional field-level detail. */
export class AppError extends Error {
  readonly statusCode: number;
  constructor(readonly code: ErrorCode, readonly extras: ErrorExtras = {}) {
    super(extras.detail?.en ?? errorCatalogue[code].en);
    this.statusCode = errorCatalogue[code].status;
  }
}
