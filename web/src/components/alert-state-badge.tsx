import { ALERT_STATE, type AlertLookState, iconAttributes } from '../status.ts';

/** An alert rule's state, or a transition's, as icon + label on its colour: readable without the colour. */
export function AlertStateBadge({ state }: { state: AlertLookState }) {
  const look = ALERT_STATE[state];
  return (
    <span
      className="badge"
      data-alert-state={state}
      style={{ color: look.color, background: look.background, borderColor: look.color }}
    >
      <svg
        className="status-icon"
        viewBox="0 0 16 16"
        width="1em"
        height="1em"
        aria-hidden="true"
        focusable="false"
        {...iconAttributes(look.icon)}
      >
        <path d={look.icon.path} />
      </svg>{' '}
      {look.label}
    </span>
  );
}
