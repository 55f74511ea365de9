/**
 * iCalendar (RFC 5545) for meetings, so that phone calendars can import them. Lines are folded at
 * 75 octets, text is escaped, times are UTC.
 */
export interface CalendarEvent {
  uid: string;
  start: string;
  end: string;
  summary: string;
  description: string;
  location: string;
  /** Absolute, or none (a calendar has no base to resolve a path against). */
  url: string | null;
  /** CONFIRMED, or CANCELLED. */
  status?: "CONFIRMED" | "CANCELLED";
  /**
   * How many times the event was changed since it was first published (RFC 5545 §3.8.7.4): a
   * calendar app that imported it replaces its copy with one of a higher SEQUENCE.
   */
  sequence?: number;
  updated: string;
}

/** A meeting as a calendar event (the council's calendar and the meeting's own file alike). */
export function meetingEvent(
  m: {
    id: number;
    topic: string;
    description: string;
    startsAt: string;
    endsAt: string;
    place: string;
    createdAt: string;
    cancelledAt: string | null;
    cancelReason: string | null;
    sequence: number;
    updatedAt: string | null;
  },
  url: string | null,
): CalendarEvent {
  return {
    uid: `meeting-${m.id}@liuhe`,
    start: m.startsAt,
    end: m.endsAt,
    summary: m.topic,
    // The reason first: it is what someone opening a cancelled event in their calendar looks for.
    description:
      m.cancelledAt !== null && m.cancelReason
        ? `${m.cancelReason}\n\n${m.description}`
        : m.description,
    location: m.place,
    url,
    status: m.cancelledAt === null ? "CONFIRMED" : "CANCELLED",
    sequence: m.sequence,
    updated: m.updatedAt ?? m.createdAt,
  };
}

export function icsDate(iso: string): string {
  return new Date(iso)
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.\d{3}/, "");
}

/**
 * Control characters TEXT may not hold (RFC 5545 §3.3.11: TSAFE-CHAR excludes CTLs but HTAB):
 * dropped, not escaped — there is no escape for them. CR and LF are line breaks, handled below.
 */
const FORBIDDEN_CONTROLS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g;

/**
 * A TEXT value (RFC 5545 §3.3.11): backslash, semicolon and comma escaped, and every line break
 * (CRLF, a lone LF, a lone CR) written as `\n`, so that no value can end its line and start a
 * property of its own.
 */
export function icsText(s: string): string {
  return s
    .replace(FORBIDDEN_CONTROLS, "")
    .replace(/\\/g, "\\\\")
    .replace(/\r\n|\r|\n/g, "\\n")
    .replace(/([,;])/g, "\\$1");
}

/** Fold a content line to at most 75 octets per line, never splitting a UTF-8 character. */
export function fold(line: string): string {
  const out: string[] = [];
  let current = "";
  let bytes = 0;
  for (const ch of line) {
    const size = Buffer.byteLength(ch);
    const limit = out.length === 0 ? 75 : 74; // continuation lines start with a space
    if (bytes + size > limit) {
      out.push(current);
      current = "";
      bytes = 0;
    }
    current += ch;
    bytes += size;
  }
  out.push(current);
  return out.join("\r\n ");
}

export function calendar(name: string, events: readonly CalendarEvent[]): string {
  const lines = [
    "BEGIN:VCALENDAR",
    "VERSION:2.0",
    "PRODID:-//Liuhe//Community Deliberation//ZH",
    "CALSCALE:GREGORIAN",
    "METHOD:PUBLISH",
    `X-WR-CALNAME:${icsText(name)}`,
    "X-WR-TIMEZONE:Asia/Shanghai",
  ];
  for (const e of events) {
    lines.push(
      "BEGIN:VEVENT",
      `UID:${e.uid}`,
      `DTSTAMP:${icsDate(e.updated)}`,
      `SEQUENCE:${e.sequence ?? 0}`,
      `DTSTART:${icsDate(e.start)}`,
      `DTEND:${icsDate(e.end)}`,
      `SUMMARY:${icsText(e.summary)}`,
      `DESCRIPTION:${icsText(e.description)}`,
      `LOCATION:${icsText(e.location)}`,
      ...(e.url ? [`URL:${e.url}`] : []),
      `STATUS:${e.status ?? "CONFIRMED"}`,
      "END:VEVENT",
    );
  }
  lines.push("END:VCALENDAR");
  return lines.map(fold).join("\r\n") + "\r\n";
}
