"""Who sent a message: SPF, DKIM, DMARC alignment, or the MTA in front's word."""
