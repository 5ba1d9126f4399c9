"""The model stage: plan the questions the rules leave open (prompt), ask them through
instructor (llm, answers), merge the supported answers (merge); the servers it talks to
(backends, local_server) and cassette replay (replay)."""
