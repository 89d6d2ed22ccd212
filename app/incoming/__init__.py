"""收文: the register of the documents an organ or a unit receives (登记), each with its 收文编号."""
