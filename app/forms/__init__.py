"""WTForms forms, one module per area; validation without database look-ups."""
