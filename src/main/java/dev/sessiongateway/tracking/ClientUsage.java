package dev.sessiongateway.tracking;

/**
 * What one client with caps uses at one provider, against its caps (0: no cap).
 *
 * @param live its sessions OPENING, ACTIVE or ENDING
 * @param opensLeft the opens left in its allowance this minute
 */
public record ClientUsage(String client, String provider, long live, int maxLive, long opensLeft, int opensPerMinute) {

}
