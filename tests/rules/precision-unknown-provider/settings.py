GEMINI_MODEL = "gemini-1.5-flash-8b"
