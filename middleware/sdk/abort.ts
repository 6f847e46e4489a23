// A guest that aborts traps. The message goes to the host log first so that the
// host's error (500, instance replaced) can be traced back to the guest's reason.
import { logError } from "./host";

export function witlineAbort(message: string | null, fileName: string | null, line: u32, column: u32): void {
  let text = "abort";
  if (message !== null) text += ": " + message;
  if (fileName !== null) text += " at " + fileName + ":" + line.toString() + ":" + column.toString();
  logError(text);
  unreachable();
}
