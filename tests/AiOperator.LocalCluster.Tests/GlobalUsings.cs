global using AiOperator.Testing;
