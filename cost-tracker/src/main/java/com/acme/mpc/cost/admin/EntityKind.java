package com.acme.mpc.cost.admin;

/**
 * LiteLLM's admin entities beside the keys, each a table with typed budget columns and the other fields in
 * {@code attrs} (V5 migration).
 */
public enum EntityKind {
    TEAM("teams", "team_id", "team_alias", "team"),
    USER("internal_users", "user_id", null, "user"),
    CUSTOMER("customers", "user_id", "alias", "customer"),
    BUDGET("budgets", "budget_id", null, "budget");

    /** Table name (a constant, never client input). */
    final String table;
    /** The id field in requests and responses, also the primary key column. */
    final String idField;
    /** The alias column, or null. */
    final String aliasField;
    /** The word used in messages. */
    final String noun;

    EntityKind(String table, String idField, String aliasField, String noun) {
        this.table = table;
        this.idField = idField;
        this.aliasField = aliasField;
        this.noun = noun;
    }

    /** Budgets themselves have no spend, no block and no budget_id. */
    boolean budgeted() {
        return this != BUDGET;
    }

    /** Customers are named by the caller (the request's {@code user}); the others get a generated id if none is given. */
    boolean generatesId() {
        return this != CUSTOMER;
    }
}
