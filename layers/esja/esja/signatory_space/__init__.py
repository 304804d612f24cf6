"""The signatories' space (/signataire/): what a verified signatory sees and does for their institution."""
