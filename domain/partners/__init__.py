"""Partner organisations and their contacts (issue 23): who they are and who may manage them."""
