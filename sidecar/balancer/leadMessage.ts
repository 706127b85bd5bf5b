// The leading system message that every request of a team shares (its system prompt), shared by the hashing rules.

/**
 * A leading system message up to this share of the prompt is presumed shared by every request (a team's system
 * prompt): matching it is no reason to go to a replica, and the cold anchor reaches past it. A longer one (a shared
 * document with a short question after it) is the request's identity and counts like any other prefix.
 */
export const LEAD_MESSAGE_SHARED_MAX_SHARE = 0.75;
