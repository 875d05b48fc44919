# Left over from debugging: sk-proj-Zx8Qw2Lm5Np9Rt3Vb7Hj1Kd4Fg6Sa0Ce2Uy8Io5Pq
# ChatGPT session, for later: sess-Hq7Lm2Np9Rt3Vb7Hj1Kd4Fg6Sa0Ce2
# admin password: Wint3rIsC0ming42

# Documentation examples are not secrets:
# export OPENAI_API_KEY=sk-...
# password: <your password>
# OPENAI_API_KEY=sk-proj-1111111111111111111111
text = "# sk-proj-Zx8Qw2Lm5Np9Rt3Vb7Hj1Kd4Fg6Sa0Ce2Uy8Io5Pq is in a string, not a comment"
