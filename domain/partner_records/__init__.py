"""What a partner contact may record on a pathway, as the decider checks it (issue 23).

Apart from `domain.partners` (the registry's model and the links), because these rules read
the commands, and the commands carry the links: one package each keeps domain/ acyclic.
"""
