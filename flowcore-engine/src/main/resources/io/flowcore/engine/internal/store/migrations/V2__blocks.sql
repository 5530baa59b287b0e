-- Saved blocks (io.flowcore.engine.Blocks): one JSON document per name, secret fields encrypted.
CREATE TABLE IF NOT EXISTS blocks (  -- IF NOT EXISTS: databases from before this migration have it
    name       VARCHAR(200) PRIMARY KEY,
    type_slug  VARCHAR(200) NOT NULL,
    document   TEXT NOT NULL,
    created_at VARCHAR(40) NOT NULL,
    updated_at VARCHAR(40) NOT NULL
);
