"""Interview pages: HTML to text, paragraphs, the interview's turns, participants, drafts."""
