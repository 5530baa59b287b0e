-- A change of the notification rules bumps the settings version too (V20's claim_settings), so that a store writer
-- keeps the rules it read while the version, which it reads with the claim epochs of each batch, stays the same:
-- a round trip less per batch of state changes (OpApplier, JdbcNotifications.KeptRules).
CREATE TRIGGER notification_rules_claim_settings AFTER INSERT OR UPDATE OR DELETE ON notification_rules FOR EACH STATEMENT EXECUTE FUNCTION flowcore_claim_settings_changed();
