/** A refusal the user should read (in an ephemeral message or a modal error): the change was not applied. */
export class DomainError extends Error {
  override name = 'DomainError';
}

/** The ticket does not exist (a stale card, a mistyped key). */
export class TicketNotFoundError extends DomainError {
  override name = 'TicketNotFoundError';
}
