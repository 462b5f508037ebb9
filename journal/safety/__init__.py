"""The safety plan: the person's own steps, helpers and reasons, shown in every crisis box."""
